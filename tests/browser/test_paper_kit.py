"""The paper kit in the browser: the sheet printed (print media, screenshot), then typed back in
without a page of JavaScript's help; the pages this work changed at 360 px in fr, ar and en, with axe."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.events.models import Attendance
from app.extensions import db
from tests.browser.accessibility import serious_violations
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_events import act_as
from tests.factories import make_event, make_municipality, make_organiser, make_registration, make_user
from tests.factories.proposals import make_call, make_proposal


def channels() -> list[str]:
    """The presences' channels as the server wrote them (a new read, not this test's snapshot)."""
    db.session.rollback()
    return sorted(db.session.scalars(sa.select(Attendance.channel)))


@pytest.fixture
def sheet_world():
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda, display_name="Youssef")
    titles = {"title": "Journée de sensibilisation", "title_ar": "يوم توعوي", "title_en": "Awareness day"}
    event = make_event(oujda, **titles, starts_in=timedelta(hours=1), venue="Place du marché", capacity=30)
    people = [make_user(name) for name in ("Fatou", "Omar", "Awa", "Ibrahima", "Salma")]
    for person in people:
        make_registration(event, person.participant)
    return oujda, organiser, event, people


def test_the_sheet_printed_then_typed_back_in(app, page, live_server, sheet_world):
    _oujda, organiser, event, _people = sheet_world
    session = event.sessions[0]
    act_as(app, page, live_server, organiser)
    page.goto(f"{live_server}/manage/events/{event.id}")
    page.get_by_role("link", name="Paper sheet").click()
    expect(page.get_by_role("heading", name="Attendance sheet")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()  # the print shows the sheet alone
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 794, "height": 1123})  # an A4 page at 96 dpi
    page.screenshot(path=str(SCREENSHOTS / "paper-sheet-print-en.png"), full_page=True)
    page.pdf(path=str(SCREENSHOTS / "paper-sheet-en.pdf"), format="A4")
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Type the sheet in").click()
    for name in ("Fatou", "Awa", "Salma"):
        page.locator("label.check", has_text=name).locator("input").check()
    page.get_by_label("Gender").first.select_option("woman")
    page.get_by_label("Age band").first.select_option("25-59")
    page.get_by_label("Origin").first.select_option("migrant")
    page.locator("input[name='tallies-man_youth']").fill("2")
    page.get_by_role("button", name="Check the totals").click()
    expect(page.get_by_text("Ticked: 3 of the 5 people on the sheet.")).to_be_visible()
    expect(page.get_by_text("Walk-ins on blank rows: 1. Strokes in the tally boxes: 2.")).to_be_visible()
    assert channels() == []  # checking the totals records nothing
    page.get_by_role("button", name="Record this sheet").click()
    recorded = "The sheet is recorded. Presences from its ticks: 3. Walk-ins: 3."
    expect(page.get_by_text(recorded)).to_be_visible()
    assert page.url.endswith(f"/door/sessions/{session.id}")
    assert channels() == ["paper"] * 6

    page.goto(f"{live_server}/door/sessions/{session.id}/sheet/type-in")
    page.locator("label.check", has_text="Omar").locator("input").check()
    page.get_by_role("button", name="Check the totals").click()
    page.get_by_role("button", name="Record this sheet").click()
    expect(page.get_by_text("sheet was already typed in on", exact=False)).to_be_visible()
    assert channels() == ["paper"] * 6


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_changed_pages_at_360_px(app, page, live_server, sheet_world, screenshot, language):
    oujda, organiser, event, people = sheet_world
    call = make_call(oujda)
    proposal = make_proposal(call, people[0])
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 360, "height": 780})
    problems = {}

    def check(name, url):
        page.goto(live_server + url)
        screenshot(f"paper-{name}-{language}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        serious = serious_violations(page)
        if serious:
            problems[name] = serious

    act_as(app, page, live_server, organiser)
    session = event.sessions[0]
    check("sheet", f"/door/sessions/{session.id}/sheet")
    check("type-in", f"/door/sessions/{session.id}/sheet/type-in")
    check("cancel", f"/manage/events/{event.id}/cancel")
    check("new-event", "/manage/events/new")
    act_as(app, page, live_server, people[0])
    check("withdraw", f"/proposals/{proposal.id}/withdraw")
    assert problems == {}
