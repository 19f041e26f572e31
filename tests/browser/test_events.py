"""Browser flows of the events domain: register → ticket → door → present; the waiting list moving
up; screenshots in fr, ar and en; axe checks of the main pages."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.events.models import EventType
from tests.browser.accessibility import serious_violations
from tests.conftest import sign_in_as
from tests.factories import (
    make_attendance,
    make_event,
    make_municipality,
    make_organiser,
    make_registration,
    make_user,
)


def act_as(app, page, live_server, user):
    """Give the browser the session cookie of `user` (the sign-in pages belong to accounts)."""
    client = app.test_client()
    sign_in_as(client, user)
    cookie = client.get_cookie("session")
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "session", "value": cookie.value, "url": live_server}])


@pytest.fixture
def world():
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda, display_name="Youssef")
    resident = make_user("Fatou")
    return oujda, organiser, resident


def test_register_then_ticket_then_door_check_in_shows_present(app, page, live_server, world):
    oujda, organiser, resident = world
    # The first session starts within the hour: its door is open.
    event = make_event(oujda, title="Atelier cuisine", capacity=5, sessions=2, starts_in=timedelta(hours=1))
    session_id = event.sessions[0].id
    act_as(app, page, live_server, resident)
    page.goto(f"{live_server}/events/{event.id}")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered. Your ticket is in My events.")).to_be_visible()
    page.goto(f"{live_server}/me/events")
    page.get_by_role("link", name="Ticket").click()
    code = page.locator(".ticket .code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", code)
    expect(page.locator(".ticket svg")).to_be_visible()

    act_as(app, page, live_server, organiser)
    page.goto(f"{live_server}/door/sessions/{session_id}")
    expect(page.locator("#door-counters")).to_contain_text("Present")
    page.get_by_label("Ticket or card code, name or phone").fill(code.lower().replace("-", ""))
    page.get_by_role("button", name="Find", exact=True).click()
    row = page.locator(".door-row", has_text="Fatou")
    expect(row).to_have_count(1)
    # The results are swapped in and settled before a tap: a click on a row being replaced is lost.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    page.evaluate("window.stillTheSamePage = true")
    row.get_by_role("button", name="Mark present").click()
    # Late in a full PostgreSQL run this test process (hundreds of apps and pages behind it) took
    # 3 to 6 s to answer the first check-in, with no lock waited on: give the first answer 20 s.
    undo = page.locator(".door-row", has_text="Fatou").get_by_role("button", name="Undo")
    expect(undo).to_be_visible(timeout=20_000)
    expect(page.locator("#door-counters div", has_text="Present").locator("dd")).to_have_text("1")
    assert page.evaluate("window.stillTheSamePage === true")  # swapped in place, no page load
    page.locator(".door-row", has_text="Fatou").get_by_role("button", name="Undo").click()
    expect(page.locator("#door-counters div", has_text="Present").locator("dd")).to_have_text("0")
    page.locator(".door-row", has_text="Fatou").get_by_role("button", name="Mark present").click()
    expect(page.locator("#door-counters div", has_text="Present").locator("dd")).to_have_text("1")

    act_as(app, page, live_server, resident)
    page.goto(f"{live_server}/me/events")
    expect(page.get_by_text("Attended", exact=True)).to_be_visible()


def test_full_event_waiting_list_promoted_when_the_first_cancels(app, page, live_server, world):
    oujda, _organiser, first = world
    second = make_user("Omar")
    event = make_event(oujda, title="Atelier théâtre", capacity=1)
    act_as(app, page, live_server, first)
    page.goto(f"{live_server}/events/{event.id}")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.", exact=False).first).to_be_visible()

    act_as(app, page, live_server, second)
    page.goto(f"{live_server}/events/{event.id}")
    expect(page.get_by_text("The event is full. You can join the waiting list.")).to_be_visible()
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("You are on the waiting list, number 1.", exact=False)).to_be_visible()

    act_as(app, page, live_server, first)
    page.goto(f"{live_server}/events/{event.id}")
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()

    act_as(app, page, live_server, second)
    page.goto(f"{live_server}/me/events")
    expect(page.locator(".badge", has_text="Confirmed")).to_be_visible()
    page.goto(f"{live_server}/events/{event.id}")
    expect(page.get_by_text("You are registered.", exact=False).first).to_be_visible()


def _showcase(oujda, organiser, resident):
    event = make_event(
        oujda,
        title="Atelier couture et retouches",
        title_ar="ورشة الخياطة والتعديلات",
        title_en="Sewing and alterations workshop",
        capacity=12,
        sessions=3,
        languages="fr,ar",
        description_fr="Trois séances pour apprendre les bases.",
        description_ar="ثلاث حصص لتعلم الأساسيات.",
        description_en="Three sessions to learn the basics.",
    )
    make_event(
        oujda,
        title="Journée portes ouvertes",
        title_ar="يوم الأبواب المفتوحة",
        title_en="Open day",
        event_type="open_day",
    )
    registration = make_registration(event, resident.participant)
    other = make_user("Omar")
    make_registration(event, other.participant)
    make_attendance(event.sessions[0], other.participant)
    return event, registration


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_screenshots_and_accessibility(app, page, live_server, world, screenshot, language):
    oujda, organiser, resident = world
    event, registration = _showcase(oujda, organiser, resident)
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    problems = {}

    def check(name):
        screenshot(f"events-{name}-{language}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        serious = serious_violations(page)
        if serious:
            problems[name] = serious

    act_as(app, page, live_server, resident)
    page.goto(f"{live_server}/events")
    check("list")
    page.goto(f"{live_server}/events/{event.id}")
    check("event")
    page.goto(f"{live_server}/me/events")
    check("my-events")
    page.goto(f"{live_server}/me/tickets/{registration.id}")
    check("ticket")
    act_as(app, page, live_server, organiser)
    page.goto(f"{live_server}/door/sessions/{event.sessions[0].id}")
    check("door")
    assert problems == {}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_organiser_pages_screenshots_and_accessibility(app, page, live_server, world, screenshot, language):
    from tests.factories import make_card_holder

    oujda, organiser, resident = world
    event, _registration = _showcase(oujda, organiser, resident)
    holder = make_card_holder("Aminata")
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 390, "height": 844})
    act_as(app, page, live_server, organiser)
    problems = {}
    for name, url in (
        ("manage-form", f"/manage/events/{event.id}/edit"),
        ("manage-event", f"/manage/events/{event.id}"),
        ("desk", "/desk"),
        ("card", f"/desk/people/{holder.id}/card"),
    ):
        page.goto(live_server + url)
        screenshot(f"events-{name}-{language}")
        serious = serious_violations(page)
        if serious:
            problems[name] = serious
    assert problems == {}


def test_card_link_asked_at_the_desk_then_confirmed_by_the_account_holder(app, page, live_server, world,
                                                                         screenshot):
    """The organiser types the code from the card and the account's email; the account holder sees
    the request on My events, leaves the consent box unticked and confirms (in French, with axe)."""
    from app.core.time import utcnow
    from tests.factories import make_card_holder

    oujda, organiser, resident = world
    holder = make_card_holder("Aminata", municipality=oujda, consent_at=utcnow(), gender="woman",
                              birth_year=1990)
    event = make_event(oujda, title="Atelier couture")
    make_registration(event, holder)
    code = holder.cards[0].code
    page.set_extra_http_headers({"Accept-Language": "fr"})
    page.set_viewport_size({"width": 360, "height": 800})
    act_as(app, page, live_server, organiser)
    page.goto(f"{live_server}/desk/people/{holder.id}")
    assert page.input_value("#card_code") == ""  # typed from the card, never filled in
    page.fill("#card_code", code.lower().replace("-", ""))
    page.fill("#account", resident.email)
    page.click("form[action$='/link'] button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("son titulaire devra confirmer")
    act_as(app, page, live_server, resident)
    page.goto(f"{live_server}/me/events")
    page.click("text=Voir la demande et répondre")
    expect(page.locator("h1")).to_have_text("Lier une carte de participant à votre compte")
    expect(page.locator("main")).not_to_contain_text("Aminata")  # the card holder is not named
    screenshot("card-link-request-fr")
    assert serious_violations(page) == []
    assert not page.is_checked("#move_answers")
    page.click("text=Confirmer : cette carte est la mienne")
    expect(page.locator(".flash")).to_contain_text("La carte est liée à votre compte")
    expect(page.locator("main")).to_contain_text("Atelier couture")
    page.goto(f"{live_server}/me/participation")
    expect(page.locator("main")).not_to_contain_text("1990")  # the desk's answers did not move


def phone_screenshot(page, screenshot, name: str) -> None:
    """The page as a 360 px phone shows it (the filters folded there), then back to a wide screen."""
    wide = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(name)
    page.set_viewport_size(wide)


def test_sign_in_and_language_links_follow_a_filter_changed_in_place(page, live_server, world, screenshot):
    """Changing a filter swaps the results and pushes the address without reloading the page; the
    menu's Sign in and the language switch then lead back to the filtered list."""
    oujda, _organiser, _resident = world
    make_event(oujda, title="Atelier cuisine")
    make_event(oujda, title="Journée portes ouvertes", event_type=EventType.OPEN_DAY)
    page.goto(f"{live_server}/en/events")
    page.get_by_label("Type").select_option("workshop")
    expect(page).to_have_url(re.compile(r"type=workshop"))
    expect(page.locator("#event-results")).not_to_contain_text("Journée portes ouvertes")
    expect(page.locator("#filters-summary .badge")).to_have_text("1 active")  # the phone's Filters button
    phone_screenshot(page, screenshot, "events-filtered-in-place-en")
    expect(page.get_by_role("link", name="Sign in")).to_have_attribute("href", re.compile(r"type%3Dworkshop"))
    page.get_by_role("link", name="Sign in").click()
    expect(page.locator("input[name=next]")).to_have_value(re.compile(r"^/en/events\?.*type=workshop"))
    page.goto(f"{live_server}/en/events")
    page.get_by_label("Type").select_option("workshop")
    expect(page).to_have_url(re.compile(r"type=workshop"))
    page.get_by_role("link", name="Français").click()
    expect(page.get_by_label("Type")).to_have_value("workshop")
    expect(page.locator("#event-results")).not_to_contain_text("Journée portes ouvertes")
    page.locator("#event-municipality").select_option("oujda")
    expect(page).to_have_url(re.compile(r"municipality=oujda"))
    expect(page.locator("#filters-summary .badge")).to_contain_text("2")
    phone_screenshot(page, screenshot, "events-filtered-in-place-fr")
    page.get_by_role("link", name="العربية").click()
    expect(page.locator("#event-results")).not_to_contain_text("Journée portes ouvertes")
    page.locator("#event-type").select_option("")
    expect(page.locator("#event-results")).to_contain_text("Journée portes ouvertes")
    french = page.locator("#language-switcher a[lang=fr]")
    expect(french).to_have_attribute("href", re.compile(r"municipality=oujda"))
    phone_screenshot(page, screenshot, "events-filtered-in-place-ar")
