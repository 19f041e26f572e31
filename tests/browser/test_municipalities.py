"""An administrator adds a municipality in Chromium, in each language; axe on the two pages."""

import re

import pytest
import sqlalchemy as sa

from app.accounts.models import Municipality
from app.extensions import db
from tests.browser.accessibility import serious_violations, submit
from tests.browser.test_accounts import LANGUAGES, sign_in
from tests.factories import make_admin, make_municipality


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_administrator_adds_a_municipality(page, live_server, screenshot, language):
    make_municipality("oujda")
    make_admin(display_name="Amina Admin", email="admin@example.org")
    page.set_extra_http_headers({"Accept-Language": language})
    sign_in(page, live_server, "admin@example.org")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    page.goto(live_server + "/admin/municipalities/new")
    submit(page, "main button[type=submit]")  # nothing typed: each field says what is missing
    assert page.locator(".field-error").count() >= 2
    found = {"form with errors": serious_violations(page)}
    page.fill("#name_fr", "Raoued")
    page.fill("#name_ar", "رواد")
    page.fill("#slug", "raoued")
    page.select_option("#country_code", "TN")
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/municipalities#*")
    added = f"#municipality-{db.session.scalar(sa.select(Municipality.id).filter_by(slug='raoued'))}"
    page.wait_for_selector(added)
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert ("رواد" if language == "ar" else "Raoued") in page.inner_text(added)
    found["list"] = serious_violations(page)
    screenshot(f"municipalities-{language}")
    assert found == dict.fromkeys(found, [])
