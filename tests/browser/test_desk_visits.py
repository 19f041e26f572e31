"""The desk visit form in Chromium at 360 px, in French, Arabic (right to left) and English: a visit
recorded with htmx (the form comes back empty, the visit listed), axe finds nothing serious."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, ngettext

from app.directory.models import Service
from app.directory.visits import DeskVisit
from app.extensions import db
from tests.browser.accessibility import serious_violations
from tests.browser.test_privacy import sign_in
from tests.factories import make_municipality, make_organiser

LANGUAGES = ("fr", "ar", "en")


@pytest.fixture
def desk(app):
    oujda = make_municipality("oujda")
    make_organiser(oujda, display_name="Youssef", email="youssef@example.org")
    names = (("Centre de santé", "المركز الصحي"), ("Permanence juridique", "المداومة القانونية"))
    for name_fr, name_ar in names:
        service = Service(municipality_id=oujda.id, name_fr=name_fr, name_ar=name_ar, provider_name="Asso")
        db.session.add(service)
    db.session.commit()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visit_recorded_at_360_px(app, page, live_server, desk, screenshot, language):
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, "youssef@example.org")
    page.goto(f"{live_server}/desk/visits")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    screenshot(f"desk-visit-{language}-360")
    assert serious_violations(page) == []
    page.check("input[name=topics][value=health]")
    page.check("input[name=service_ids] >> nth=0")
    page.select_option("#gender", "woman")
    page.click("#desk-visits button[type=submit]")
    page.wait_for_selector("#desk-visits .notice")
    with app.test_request_context(), force_locale(language):
        recorded = ngettext("The visit is recorded (%(count)s referral).",
                            "The visit is recorded (%(count)s referrals).", 1, count=1)
    assert page.inner_text("#desk-visits .notice") == recorded
    assert not page.is_checked("input[name=topics][value=health]")  # ready for the next visitor
    screenshot(f"desk-visit-recorded-{language}-360")
    assert serious_violations(page) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeskVisit)) == 1
