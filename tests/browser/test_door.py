"""The door on a phone: 20 walk-ins in 20 taps, the find-and-mark loop, scanning only where it can
work (and reading a real QR code through the camera with the vendored decoder), screenshots at 360 px
in French, Arabic and English."""

import time
from datetime import timedelta

import pytest
import segno
import sqlalchemy as sa
from playwright.sync_api import expect

from app.events.models import Attendance
from app.extensions import db
from tests.browser.accessibility import serious_violations
from tests.browser.conftest import CHROMIUM_FLAGS, SCREENSHOTS
from tests.conftest import sign_in_as
from tests.factories import make_event, make_municipality, make_organiser, make_registration, make_user

SOON = timedelta(hours=1)  # the door is open
NO_BARCODE_DETECTOR = "delete window.BarcodeDetector;"  # like iPhone Safari and Firefox


def _sign_in(app, context, live_server, user):
    client = app.test_client()
    sign_in_as(client, user)
    cookie = client.get_cookie("session").value
    context.add_cookies([{"name": "session", "value": cookie, "url": live_server}])


def _phone(browser, app, live_server, user, lang="en", **options):
    context = browser.new_context(
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
        viewport={"width": 360, "height": 780},
        **options,
    )
    _sign_in(app, context, live_server, user)
    return context, context.new_page()


@pytest.fixture
def door():
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda, display_name="Youssef")
    event = make_event(
        oujda,
        title="Journée de sensibilisation",
        title_ar="يوم تحسيسي",
        title_en="Awareness day",
        starts_in=SOON,
        sessions=2,
        capacity=40,
    )
    return organiser, event


def _counter(page, name):
    return page.locator("#door-counters div", has_text=name).locator("dd")


def _stored_walk_ins(event) -> list:
    """(gender, age band, count) of the anonymous walk-ins the server committed at the first session."""
    db.session.rollback()  # end the test's snapshot: read what the server committed
    return db.session.execute(
        sa.select(Attendance.anonymous_gender, Attendance.anonymous_age_band, sa.func.count())
        .where(Attendance.session_id == event.sessions[0].id, Attendance.participant_id.is_(None))
        .group_by(Attendance.anonymous_gender, Attendance.anonymous_age_band)
    ).all()


def test_twenty_walk_ins_in_twenty_taps(app, browser, live_server, door):
    organiser, event = door
    context, page = _phone(browser, app, live_server, organiser)
    page.goto(f"{live_server}/door/sessions/{event.sessions[0].id}")
    taps = 0
    plan = ["women"] * 7 + ["men"] * 6 + ["girls"] * 4 + ["boys"] * 3
    for group in plan:  # as fast as a thumb: no waiting between taps
        page.locator(f'#door-tally-buttons button[value="{group}"]').click()
        taps += 1
    assert taps == 20
    expect(_counter(page, "Walk-ins")).to_have_text("20")
    for group, number in (("women", 7), ("men", 6), ("girls", 4), ("boys", 3)):
        expect(page.locator(f"#tally-count-{group}")).to_have_text(str(number))
    expect(page.locator("#tally-last")).to_contain_text("Counted: Boys.")
    assert sorted(_stored_walk_ins(event), key=str) == sorted(
        [("woman", None, 7), ("man", None, 6), ("woman", "0-14", 4), ("man", "0-14", 3)], key=str
    )
    # The origin as a second tap, then Undo of the last one: the counts follow in place.
    page.get_by_role("button", name="Refugee or asylum seeker").click()
    expect(page.locator("#tally-last")).to_contain_text("Origin: Refugee or asylum seeker.")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#tally-count-boys")).to_have_text("2")
    expect(_counter(page, "Walk-ins")).to_have_text("19")
    expect(page.locator("#tally-last")).to_contain_text("The last walk-in is taken off the count.")
    context.close()


def test_taps_queued_behind_a_slow_answer_count_for_their_own_group(app, browser, live_server, door):
    """On a slow network the taps wait in line (hx-sync); each one, sent late, still counts for the
    button that was pressed (a queued request no longer knows its form's submitter)."""
    organiser, event = door
    context, page = _phone(browser, app, live_server, organiser)
    page.goto(f"{live_server}/door/sessions/{event.sessions[0].id}")

    def slow(route):
        time.sleep(0.4)
        route.continue_()

    page.route("**/tally", slow)
    # Five quick taps while the first answer is on its way (clicked in the page: the test's own
    # clicks would wait for the slowed route).
    page.evaluate("""() => ['women', 'men', 'girls', 'boys', 'women'].forEach(
        (group) => document.querySelector(`#door-tally-buttons button[value="${group}"]`).click())""")
    for group, number in (("women", 2), ("men", 1), ("girls", 1), ("boys", 1)):
        expect(page.locator(f"#tally-count-{group}")).to_have_text(str(number), timeout=10_000)
    assert sorted(_stored_walk_ins(event), key=str) == sorted(
        [("woman", None, 2), ("man", None, 1), ("woman", "0-14", 1), ("man", "0-14", 1)], key=str
    )
    context.close()


def test_the_tally_works_without_javascript(app, browser, live_server, door):
    organiser, event = door
    context, page = _phone(browser, app, live_server, organiser, java_script_enabled=False)
    page.goto(f"{live_server}/door/sessions/{event.sessions[0].id}")
    for _ in range(3):
        page.locator('#door-tally-buttons button[value="girls"]').click()
    expect(page.locator("#tally-count-girls")).to_have_text("3")
    assert page.url.endswith("#door-tally")
    page.get_by_role("button", name="Host community").click()
    expect(page.locator("#tally-last")).to_contain_text("Origin: Host community.")
    context.close()


def test_after_a_check_in_the_search_box_is_cleared_and_focused(app, browser, live_server, door):
    organiser, event = door
    for name in ("Fatou Diallo", "Fatima Zahra", "Omar"):
        make_registration(event, make_user(name).participant)
    context, page = _phone(browser, app, live_server, organiser)
    page.add_init_script("navigator.vibrate = (ms) => { window.buzzed = ms; return true; };")
    page.goto(f"{live_server}/door/sessions/{event.sessions[0].id}")
    search = page.get_by_label("Ticket or card code, name or phone")
    search.fill("Fat")
    row = page.locator(".door-row", has_text="Fatou Diallo")
    expect(page.locator(".door-row")).to_have_count(2)
    row.get_by_role("button", name="Mark present").click()
    expect(row).to_have_class("door-row present just-marked")
    expect(row).to_contain_text("Marked present")
    expect(search).to_have_value("")
    expect(search).to_be_focused()
    assert page.evaluate("window.buzzed") == 80
    expect(_counter(page, "Present")).to_have_text("1")
    # The next person at once: typing goes into the emptied box.
    page.keyboard.type("Omar")
    expect(page.locator(".door-row")).to_have_count(1)
    page.locator(".door-row", has_text="Omar").get_by_role("button", name="Mark present").click()
    expect(_counter(page, "Present")).to_have_text("2")
    expect(search).to_be_focused()
    # The session picker leads to the next session's door.
    page.get_by_role("link", name="Next session").click()
    expect(page.locator("main, body").first).to_contain_text("Session 2 of 2")
    expect(_counter(page, "Present")).to_have_text("0")
    context.close()


def test_a_tap_while_a_search_is_on_its_way_or_waiting_marks_the_person(app, browser, live_server, door):
    """Mark present tapped while a search is on its way, or waiting behind another check-in: the tap
    is not lost behind the search, whose answer would replace the tapped row (htmx drops a waiting
    request whose form is gone)."""
    organiser, event = door
    people = {name: make_user(name).participant for name in ("Fatou Diallo", "Fatima Zahra", "Omar Sy")}
    for participant in people.values():
        make_registration(event, participant)
    context, page = _phone(browser, app, live_server, organiser)
    page.goto(f"{live_server}/door/sessions/{event.sessions[0].id}")
    expect(page.locator(".door-row")).to_have_count(3)
    # Each step in one go in the page, as a quick thumb on a slow network.
    thumb = """(steps) => steps.forEach(([action, text]) => {
        if (action === "search") {
            document.getElementById("door-q").value = text;
            document.querySelector("form.door-search").requestSubmit();
        } else {
            [...document.querySelectorAll(".door-row")].find((row) => row.textContent.includes(text))
                .querySelector("button[type=submit]").click();
        }
    })"""
    page.evaluate(thumb, [["search", "Fat"], ["tap", "Fatou"]])  # the search is on its way
    expect(_counter(page, "Present")).to_have_text("1")
    expect(page.locator(".door-row", has_text="Fatou Diallo")).to_contain_text("Marked present")
    page.evaluate(thumb, [["tap", "Fatima"], ["search", "Om"], ["tap", "Omar"]])  # it waits behind Fatima
    expect(_counter(page, "Present")).to_have_text("3")
    db.session.rollback()  # read what the server committed
    assert sorted(db.session.scalars(
        sa.select(Attendance.participant_id).where(Attendance.session_id == event.sessions[0].id)
    )) == sorted(participant.id for participant in people.values())
    context.close()


def test_scan_button_only_where_scanning_can_work(app, browser, live_server, door):
    organiser, event = door
    url = f"{live_server}/door/sessions/{event.sessions[0].id}"
    # No BarcodeDetector, but the decoder can run in a Worker: shown.
    context, page = _phone(browser, app, live_server, organiser)
    page.add_init_script(NO_BARCODE_DETECTOR)
    page.goto(url)
    expect(page.get_by_role("button", name="Scan a QR code")).to_be_visible()
    context.close()
    # Neither BarcodeDetector nor a Worker for the decoder: hidden.
    context, page = _phone(browser, app, live_server, organiser)
    page.add_init_script(NO_BARCODE_DETECTOR + "delete window.Worker;")
    page.goto(url)
    expect(page.locator("#scan-button")).to_be_hidden()
    page.wait_for_load_state("load")
    expect(page.locator("#scan-button")).to_be_hidden()
    context.close()
    # No camera at all: hidden.
    context, page = _phone(browser, app, live_server, organiser)
    page.add_init_script("Object.defineProperty(navigator, 'mediaDevices', {value: undefined});")
    page.goto(url)
    page.wait_for_load_state("load")
    expect(page.locator("#scan-button")).to_be_hidden()
    context.close()
    # Without JavaScript: hidden (the stylesheet no longer overrides `hidden`), typing works.
    context, page = _phone(browser, app, live_server, organiser, java_script_enabled=False)
    page.goto(url)
    expect(page.locator("#scan-button")).to_be_hidden()
    expect(page.get_by_label("Ticket or card code, name or phone")).to_be_visible()
    context.close()


def _fake_camera(path, text: str) -> None:
    """A Y4M video of one frame showing `text` as a QR code, for Chromium's fake camera."""
    qr = segno.make(text, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=12, border=4)]
    width, height = 640, 480
    size = len(matrix)
    top, left = (height - size) // 2, (width - size) // 2
    luma = bytearray([235]) * (width * height)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                luma[(top + y) * width + left + x] = 16
    chroma = bytes([128]) * (width * height // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n" + frame * 3)


def test_scanning_a_ticket_with_the_vendored_decoder(app, browser_type, live_server, door, tmp_path):
    organiser, event = door
    resident = make_user("Aïcha")
    ticket = make_registration(event, resident.participant).ticket_code
    video = tmp_path / "ticket.y4m"
    _fake_camera(video, ticket)
    browser = browser_type.launch(
        executable_path="/usr/bin/chromium",
        args=[
            *CHROMIUM_FLAGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context, page = _phone(browser, app, live_server, organiser)
        page.add_init_script(NO_BARCODE_DETECTOR)
        page.goto(f"{live_server}/door/sessions/{event.sessions[0].id}")
        decoder_loaded = []
        page.on("request", lambda request: "qr-scanner" in request.url and decoder_loaded.append(request.url))
        assert decoder_loaded == []  # not fetched before the first tap
        # The row is listed before the scan too: wait for the search the scan submits, so that the
        # row tapped below is that search's answer.
        with page.expect_response(lambda response: f"q={ticket}" in response.url, timeout=15000):
            page.get_by_role("button", name="Scan a QR code").click()
        row = page.locator(".door-row", has_text="Aïcha")
        expect(row).to_have_count(1, timeout=15000)
        expect(page.get_by_label("Ticket or card code, name or phone")).to_have_value(ticket)
        assert len(decoder_loaded) == 1
        row.get_by_role("button", name="Mark present").click()
        expect(_counter(page, "Present")).to_have_text("1")
    finally:
        browser.close()


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_door_screenshots_at_360_px(app, browser, live_server, door, lang):
    organiser, event = door
    make_registration(event, make_user("Fatou Diallo").participant)
    make_registration(event, make_user("عائشة بنعلي").participant)
    context, page = _phone(browser, app, live_server, organiser, lang=lang)
    page.goto(f"{live_server}/door/sessions/{event.sessions[0].id}")
    page.locator('#door-tally-buttons button[value="women"]').click()
    page.locator('#door-tally-buttons button[value="girls"]').click()
    expect(page.locator("#tally-count-girls")).to_have_text("1")
    page.locator(".door-row").first.locator("button[type=submit]").click()
    expect(page.locator(".door-row.just-marked")).to_have_count(1)
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"door-{lang}.png"), full_page=True)
    assert serious_violations(page) == []
    # Headcount only: the door shows the tally alone.
    page.locator("form.door-mode button").click()
    expect(page.locator("#door-q")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / f"door-headcount-{lang}.png"), full_page=True)
    assert serious_violations(page) == []
    context.close()
