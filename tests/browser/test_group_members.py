"""The desk's proposal form for a group, in Chromium at 360 px, in French, Arabic (right to left) and
English: an unknown member code answered in place by htmx with the typed values kept, then the group
recorded and its page giving only its size. axe finds nothing serious."""

import pytest
import sqlalchemy as sa

from app.events.services.desk import create_card_holder
from app.extensions import db
from app.proposals.models import ProposalMember
from tests.browser.accessibility import serious_violations
from tests.browser.test_privacy import sign_in
from tests.factories import make_call, make_municipality, make_organiser

LANGUAGES = ("fr", "ar", "en")


@pytest.fixture
def desk(app):
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda, display_name="Youssef", email="youssef@example.org")
    call = make_call(oujda, phase="submission")
    cards = [create_card_holder(organiser, oujda.id, name) for name in ("Aïcha", "Khadija")]
    return call, cards


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_group_entered_at_the_desk_at_360_px(app, page, live_server, desk, screenshot, language):
    call, cards = desk
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, "youssef@example.org")
    page.goto(f"{live_server}/{language}/calls/{call.id}/assisted")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    page.check("input[name=channel][value=group]")
    page.fill("#group_name", "Femmes de Lazaret")
    page.fill("#member_codes", f"{cards[0].code}\nK7MW-4QXA")
    page.fill("#members_without_card", "7")
    page.fill("#title", "Atelier couture")
    page.fill("#description", "Un atelier de couture pour les voisines, deux soirs par semaine.")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector("#member_codes-error")
    assert "K7MW-4QXA" in page.inner_text("#member_codes-error")
    assert page.input_value("#title") == "Atelier couture"
    assert page.input_value("#members_without_card") == "7"
    page.locator("#member_codes").scroll_into_view_if_needed()
    screenshot(f"desk-group-{language}-360")
    assert serious_violations(page) == []
    page.fill("#member_codes", f"{cards[0].code}\n{cards[1].code.lower()}")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_url("**/proposals/*")
    assert "9" in page.inner_text(".proposal-facts")  # Aïcha, Khadija and 7 without a card
    assert "Aïcha" not in page.content()
    screenshot(f"desk-group-recorded-{language}-360")
    db.session.rollback()  # read what the server wrote, not this session's snapshot
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProposalMember)) == 2
