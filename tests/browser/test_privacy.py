"""Download my data and delete my account in Chromium (the deletion in Arabic), the audit log; axe."""

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.core.audit import record_audit
from app.events.models import Registration
from app.extensions import db
from tests.accounts.helpers import translated
from tests.browser.accessibility import serious_violations, submit
from tests.factories import (
    PASSWORD,
    make_admin,
    make_event,
    make_municipality,
    make_registration,
    make_user,
)

LANGUAGES = ("fr", "ar", "en")


def sign_in(page, live_server, identifier, password=PASSWORD):
    page.goto(live_server + "/sign-in")
    page.fill("#identifier", identifier)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))


def _ar(app, msgid: str) -> str:
    """The Arabic text the page shows for msgid (from the catalogs, so the test follows them)."""
    return translated(app, "ar", msgid).decode()


def test_deleting_an_account_in_arabic(app, page, live_server, screenshot):
    oujda = make_municipality("oujda")
    person = make_user("فاطمة الزهراء", email="fatima@example.org")
    event = make_event(oujda, title="ورشة الخياطة", capacity=1)
    make_registration(event, person.participant)
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_extra_http_headers({"Accept-Language": "ar"})
    sign_in(page, live_server, "fatima@example.org")
    page.goto(live_server + "/me")
    page.click("a[href='/ar/me/data']")
    page.wait_for_url("**/me/data")
    assert page.get_attribute("html", "dir") == "rtl"
    screenshot("my-data-ar")
    page.click("a[href='/ar/me/delete']")
    page.wait_for_url("**/me/delete")
    assert _ar(app, "What is erased") in page.inner_text("main")
    # A wrong password first: the page says so, in Arabic, and nothing happens.
    page.fill("#password", "ليست كلمة المرور")
    page.check("#confirm")
    page.click("main button[type=submit]")
    assert page.locator("#password-error").inner_text() == _ar(app, "Your password is not right.")
    screenshot("delete-account-error-ar")
    page.fill("#password", PASSWORD)
    page.check("#confirm")
    screenshot("delete-account-ar")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    flash = _ar(app, "Your account is deleted and your personal data erased. Thank you for taking part.")
    assert flash in page.inner_text(".flashes")
    assert page.locator(".site-nav a[href$='/sign-in']").is_visible()
    screenshot("account-deleted-ar")
    user = db.session.get(User, person.id)
    assert user.deleted_at is not None and user.email is None
    assert db.session.scalar(sa.select(Registration.status)) == "cancelled"
    db.session.rollback()


def test_downloading_my_data(page, live_server):
    make_user("Fatou Diallo", email="fatou@example.org")
    page.set_extra_http_headers({"Accept-Language": "en"})
    sign_in(page, live_server, "fatou@example.org")
    page.goto(live_server + "/me/data")
    with page.expect_download() as info:
        page.click("main form button[type=submit]")
    download = info.value
    assert download.suggested_filename.startswith("jiwar-my-data-")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "fatou@example.org"
    assert data["account"]["display_name"] == "Fatou Diallo"


@pytest.mark.parametrize("language", LANGUAGES)
def test_screenshots_and_no_serious_accessibility_violation(page, live_server, screenshot, language):
    admin = make_admin(display_name="Salma", email="admin@example.org")
    record_audit("role.granted", actor=admin, target=make_user(), role="organiser", municipality_id=1)
    record_audit("reports.exact_figures_viewed", actor=admin, view="report", programme_id=1)
    db.session.commit()
    page.set_extra_http_headers({"Accept-Language": language})
    sign_in(page, live_server, "admin@example.org")
    found = {}
    pages = (("/me/data", "my-data"), ("/me/delete", "delete-account"), ("/admin/audit", "audit-log"))
    for path, name in pages:
        page.goto(live_server + path)
        screenshot(f"{name}-{language}")
        found[path] = serious_violations(page)
    page.goto(live_server + "/me/delete")
    submit(page, "main button[type=submit]")  # errors shown, nothing deleted (last administrator anyway)
    found["/me/delete (errors)"] = serious_violations(page)
    page.goto(live_server + "/admin/audit?since=not-a-date")
    found["/admin/audit (errors)"] = serious_violations(page)
    assert found == dict.fromkeys(found, [])
