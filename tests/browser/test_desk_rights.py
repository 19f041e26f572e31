"""A card holder's data and rights at the desk in Chromium: the "your data" page chosen in the
person's language (Arabic right to left), the two confirmation pages; axe on the data page."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.accounts.models import ParticipantCard
from app.extensions import db
from tests.accounts.helpers import translated
from tests.browser.accessibility import serious_violations
from tests.browser.test_privacy import sign_in
from tests.factories import (
    make_attendance,
    make_call,
    make_card_holder,
    make_event,
    make_municipality,
    make_organiser,
    make_proposal,
    make_registration,
)

LANGUAGES = ("fr", "ar", "en")
WIDTHS = {"360": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def desk(app):
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda, display_name="Youssef", email="youssef@example.org")
    holder = make_card_holder(
        "Oumou Sangaré", municipality=oujda, phone="0611223344", gender="woman", birth_year=1994,
        origin="migrant", country_code="CI", consent_at=datetime(2025, 4, 2, 9, 30, tzinfo=UTC),
    )
    make_registration(make_event(oujda, title="Atelier couture", title_ar="ورشة الخياطة"), holder)
    past = make_event(oujda, title="Journée portes ouvertes", starts_in=-timedelta(days=20))
    make_attendance(past.sessions[0], holder)
    make_proposal(make_call(oujda), None, participant_id=holder.id, title="Un jardin partagé")
    code = db.session.scalar(sa.select(ParticipantCard.code).filter_by(participant_id=holder.id))
    return organiser, holder, code


def _open_data_page(page, live_server, holder, code, language):
    page.goto(f"{live_server}/desk/people/{holder.id}/data")
    page.fill("#code", code)
    page.select_option("#language", language)
    page.click("main button[type=submit]")
    page.wait_for_selector(".your-data")


def test_the_data_page_in_each_language_passes_axe(app, page, live_server, desk, screenshot):
    organiser, holder, code = desk
    sign_in(page, live_server, "youssef@example.org")
    found = {}
    for language in LANGUAGES:
        _open_data_page(page, live_server, holder, code, language)
        data = page.locator(".your-data")
        assert data.get_attribute("lang") == language
        direction = data.evaluate("element => getComputedStyle(element).direction")
        assert direction == ("rtl" if language == "ar" else "ltr")
        heading = translated(app, language, "Your data at Jiwar").decode()
        assert page.inner_text("h1") == heading
        found[language] = serious_violations(page)
    assert found == {language: [] for language in LANGUAGES}
    # The language buttons on the page switch it without typing the code again.
    page.click(".language-row button[value=fr]")
    page.wait_for_selector(".your-data[lang=fr]")
    assert "0611223344" in page.inner_text("main")


@pytest.mark.parametrize("language", LANGUAGES)
def test_screens_of_the_rights_pages(app, page, live_server, desk, screenshot, language):
    organiser, holder, code = desk
    page.set_extra_http_headers({"Accept-Language": language})
    sign_in(page, live_server, "youssef@example.org")
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        _open_data_page(page, live_server, holder, code, language)
        screenshot(f"rights-data-{language}-{width}")
        for name in ("withdraw-consent", "erase"):
            page.goto(f"{live_server}/desk/people/{holder.id}/{name}")
            assert page.get_attribute("html", "lang") == language
            screenshot(f"rights-{name}-{language}-{width}")
