"""The door with the network gone, in Debian's Chromium: check-ins and walk-ins kept on the phone and
sent when the network is back, once; two phones, one presence; sign-out clears what was kept;
screenshots of the offline door at 360 px in fr, ar and en, and axe."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.events.models import Attendance, DoorReceipt
from app.extensions import db
from tests.browser.accessibility import serious_violations
from tests.browser.test_events import act_as
from tests.factories import make_event, make_municipality, make_organiser, make_registration, make_user

NAMES = ["Amina", "Bakary", "Chaima", "Djibril", "Fatou", "Ghita", "Hamza", "Ibrahima", "Jamila", "Karim",
         "Lamine", "Mariam"]
QUEUE = "localStorage.getItem('jiwar-door-queue')"
WAITING = "JSON.parse(localStorage.getItem('jiwar-door-queue') || '[]').length"


@pytest.fixture
def door():
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda, display_name="Youssef")
    event = make_event(oujda, title="Journée de sensibilisation", starts_in=timedelta(hours=1))
    for name in NAMES:
        make_registration(event, make_user(name).participant)
    return organiser, event.sessions[0]


def counted():
    """Presences of registered people and walk-ins, as the database holds them now."""
    db.session.rollback()
    rows = db.session.execute(sa.select(Attendance.participant_id, Attendance.is_walk_in)).all()
    return (
        sum(1 for participant, walk_in in rows if participant is not None and not walk_in),
        sum(1 for _participant, walk_in in rows if walk_in),
        db.session.scalar(sa.select(sa.func.count()).select_from(DoorReceipt)),
    )


def open_door(app, page, live_server, organiser, session, language="en"):
    act_as(app, page, live_server, organiser)
    page.goto(f"{live_server}/{language}/door/sessions/{session.id}")
    assert page.evaluate("window.jiwarDoorReady")  # the worker is active, the page and roster kept


def go_offline(page):
    # The browser's own HTTP cache must not answer instead of the service worker's copy.
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False


def mark_present_offline(page, name, kept="Kept on this phone"):
    page.locator("#door-q").fill(name)
    page.locator(".door-search button[type=submit]").click()
    row = page.locator(".door-row", has_text=name)
    row.locator("button").click()
    expect(row.get_by_text(kept)).to_be_visible()


def add_walk_in_offline(page, gender, age_band, origin):
    waiting = page.evaluate(WAITING)
    page.get_by_label("Gender").select_option(gender)
    page.get_by_label("Age band").select_option(age_band)
    page.get_by_label("Origin").select_option(origin)
    page.get_by_role("button", name="Count this walk-in").click()
    # The notice of the walk-in before stays up: the waiting count says this one was kept.
    expect(page.locator("#door-offline")).to_contain_text(f"Waiting to be sent: {waiting + 1}")
    expect(page.get_by_text("Walk-in kept on this phone")).to_be_visible()


def sent(page):
    """Sends what waits (as the phone does every 10 s, or when it sees the network back) and waits
    until nothing is left."""
    for _attempt in range(40):  # wait_for_function would need 'unsafe-eval', which the CSP refuses
        page.evaluate("window.jiwarDoorSend()")
        if page.evaluate(WAITING) == 0:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"still waiting to be sent: {page.evaluate(QUEUE)}")


def test_ten_check_ins_and_five_walk_ins_offline_are_recorded_once(app, page, live_server, door):
    organiser, session = door
    open_door(app, page, live_server, organiser, session)
    go_offline(page)
    try:
        answer = page.reload()
        assert answer.from_service_worker  # the door page kept on the phone
        assert page.evaluate("window.jiwarDoorReady")
        for name in NAMES[:10]:
            mark_present_offline(page, name)
        # An anonymous walk-in without its answers is refused at once, as the server would, and not kept.
        page.get_by_role("button", name="Count this walk-in").click()
        expect(page.get_by_role("alert")).to_have_text(
            "For an anonymous walk-in, choose a gender, an age band and an origin, or give a name."
        )
        assert page.evaluate(WAITING) == 10
        for gender, age_band, origin in (
            ("woman", "25-59", "migrant"),
            ("man", "15-24", "host"),
            ("woman", "0-14", "refugee"),
            ("man", "60+", "migrant"),
            ("undisclosed", "25-59", "undisclosed"),
        ):
            add_walk_in_offline(page, gender, age_band, origin)
        expect(page.locator("#door-offline")).to_contain_text("Waiting to be sent: 15")
        assert counted() == (0, 0, 0)  # nothing reached the server
        queue = page.evaluate(QUEUE)
    finally:
        page.context.set_offline(False)
    sent(page)
    assert counted() == (10, 5, 15)
    expect(page.locator("#door-offline")).to_be_hidden()
    expect(page.locator("#door-counters div", has_text="Present").locator("dd")).to_have_text("15")

    # The same queue sent again (an answer lost on the way back): nothing changes.
    page.evaluate(f"localStorage.setItem('jiwar-door-queue', {queue!r})")
    assert page.evaluate(WAITING) == 15
    page.evaluate("window.jiwarDoorSend()")
    sent(page)
    assert counted() == (10, 5, 15)
    expect(page.locator("#door-offline")).to_be_hidden()  # nothing refused either


def test_two_phones_offline_checking_in_the_same_person_record_one_presence(
    app, browser, live_server, door
):
    organiser, session = door
    colleague = make_organiser(session.event.municipality, display_name="Salma")
    phones = []
    for person in (organiser, colleague):
        context = browser.new_context()
        phone = context.new_page()
        open_door(app, phone, live_server, person, session)
        go_offline(phone)
        mark_present_offline(phone, "Amina")
        phones.append(phone)
    try:
        for phone in phones:
            phone.context.set_offline(False)
        for phone in phones:
            sent(phone)
        assert counted() == (1, 0, 2)  # one presence; each phone's entry received once
    finally:
        for phone in phones:
            phone.context.close()


def test_what_the_door_kept_is_cleared_at_sign_out(app, page, live_server, door):
    organiser, session = door
    open_door(app, page, live_server, organiser, session)
    kept = "caches.keys().then(function (names) { return names.filter((n) => n.startsWith('jiwar-door-')); })"
    assert page.evaluate(kept) == ["jiwar-door-v1"]
    roster = f"caches.match('/en/door/sessions/{session.id}/roster').then((kept) => kept && kept.json())"
    assert len(page.evaluate(roster)["people"]) == len(NAMES)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert page.evaluate(kept) == []
    workers = "navigator.serviceWorker.getRegistrations().then(function (r) { return r.length; })"
    assert page.evaluate(workers) == 0
    page.context.set_offline(True)
    try:
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
            page.goto(f"{live_server}/en/door/sessions/{session.id}")
    finally:
        page.context.set_offline(False)


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_offline_door_screenshots_and_accessibility(app, page, live_server, door, screenshot, language):
    organiser, session = door
    page.set_viewport_size({"width": 360, "height": 740})
    open_door(app, page, live_server, organiser, session, language)
    go_offline(page)
    try:
        page.locator("#door-q").fill("a")
        page.locator(".door-search button[type=submit]").click()
        expect(page.locator("#door-results .door-row").first).to_be_visible()
        page.locator("#door-results .door-row button").first.click()
        expect(page.locator("#door-results .door-row .badge")).to_have_count(1)
        screenshot(f"door-offline-{language}")
        page.locator("#door-q").fill("K7MW4QXA")  # a card the roster does not list
        page.locator(".door-search button[type=submit]").click()
        expect(page.locator("#door-results .door-row")).to_have_count(1)
        expect(page.locator("#door-offline")).to_be_visible()
        screenshot(f"door-offline-code-{language}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert serious_violations(page) == []
    finally:
        page.context.set_offline(False)


def test_entries_refused_when_sent_are_listed_on_the_phone_with_their_reason(app, page, live_server, door):
    """Kept offline, then refused: the event cancelled meanwhile; a card replaced since. The phone
    says which and why, in its language, and nothing is recorded."""
    from app.events import services
    from tests.factories import make_card_holder

    organiser, session = door
    holder = make_card_holder("Awa", municipality=session.event.municipality)
    old_code = holder.cards[0].code
    open_door(app, page, live_server, organiser, session, "fr")
    go_offline(page)
    try:
        expect(page.get_by_role("button", name="Chercher", exact=True)).to_be_visible()
        mark_present_offline(page, "Amina", kept="Gardé sur ce téléphone")
        mark_present_offline(page, old_code, kept="Gardé sur ce téléphone")
        services.reissue_card(organiser, holder.id)  # at the desk, while the door was offline
        services.cancel_event(organiser, session.event_id)
    finally:
        page.context.set_offline(False)
    sent(page)
    status = page.locator("#door-offline")
    expect(status).to_contain_text("Non enregistré — Amina : Cet événement a été annulé.")
    expect(status).to_contain_text(f"Non enregistré — {old_code} : Cette carte a été remplacée")
    assert counted() == (0, 0, 0)


def test_tally_taps_offline_count_on_the_phone_then_once_on_the_server(app, page, live_server, door):
    organiser, session = door
    open_door(app, page, live_server, organiser, session)
    go_offline(page)
    try:
        for group in ("women", "women", "boys"):
            page.locator(f".tally-{group}").click()
        expect(page.locator("#tally-count-women")).to_have_text("2")  # counted on the phone at once
        expect(page.locator("#door-offline")).to_contain_text("Waiting to be sent: 3")
        assert counted() == (0, 0, 0)
    finally:
        page.context.set_offline(False)
    sent(page)
    assert counted() == (0, 3, 3)


def test_a_walk_in_typed_while_the_server_is_asked_is_kept_for_the_next(app, page, live_server, door):
    """A hall's Wi-Fi without internet: the phone says it is online, asking the server takes seconds.
    The walk-in pressed is kept as it was pressed; what the organiser types meanwhile stays in the form."""
    organiser, session = door
    open_door(app, page, live_server, organiser, session)

    def no_answer(route):
        page.wait_for_timeout(1500)
        route.abort("timedout")

    page.route("**/door/offline.js", no_answer)
    page.route("**/door/sessions/*/walk-in", lambda route: route.abort("timedout"))
    page.get_by_label("Gender").select_option("woman")
    page.get_by_label("Age band").select_option("25-59")
    page.get_by_label("Origin").select_option("migrant")
    page.get_by_role("button", name="Count this walk-in").click()
    page.get_by_label("Gender").select_option("man")  # the next walk-in, while the first is asked about
    page.get_by_label("Age band").select_option("15-24")
    expect(page.locator("#door-offline")).to_contain_text("Waiting to be sent: 1", timeout=10000)
    kept = page.evaluate(f"JSON.parse({QUEUE})[0].fields")
    assert (kept["gender"], kept["age_band"], kept["origin"]) == ("woman", "25-59", "migrant")
    expect(page.get_by_label("Gender")).to_have_value("man")
    expect(page.get_by_label("Age band")).to_have_value("15-24")
    assert counted() == (0, 0, 0)
