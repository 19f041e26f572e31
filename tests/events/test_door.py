"""The door: find by code, name or phone; one tap present / undo; walk-ins; attendance per session."""

import csv
import io
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date, format_time
from sqlalchemy.orm import Session

from app.accounts.models import Participant
from app.core.models import AuditEntry
from app.core.time import to_zone
from app.events.models import Attendance, AttendanceTally
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import (
    make_admin,
    make_attendance,
    make_card_holder,
    make_event,
    make_organiser,
    make_registration,
    make_reviewer,
    make_user,
)

SOON = timedelta(hours=1)  # check-in is open: the session starts within the hour


def attendances() -> list[Attendance]:
    return list(db.session.scalars(sa.select(Attendance).order_by(Attendance.id)))


def test_find_by_ticket_code_typed_loosely_and_check_in(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON, capacity=20)
    registration = make_registration(event, resident.participant)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    typed = registration.ticket_code.replace("-", " ").lower()
    page = client.get(f"/door/sessions/{session.id}", query_string={"q": typed})
    assert "Fatou" in page.text and "Mark present" in page.text
    response = client.post(
        f"/door/sessions/{session.id}/check-in", data={"participant_id": resident.participant_id}
    )
    assert response.status_code == 303
    [attendance] = attendances()
    assert attendance.registration_id == registration.id and not attendance.is_walk_in
    assert attendance.checked_in_by_id == organiser.id


def test_check_in_twice_records_one_attendance(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, resident.participant)
    sign_in_as(client, organiser)
    for _ in range(2):
        client.post(
            f"/door/sessions/{event.sessions[0].id}/check-in",
            data={"participant_id": resident.participant_id},
        )
    assert len(attendances()) == 1


def test_htmx_check_in_swaps_the_row_and_the_counters(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON, capacity=20)
    make_registration(event, resident.participant)
    make_registration(event, make_user("Omar").participant)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{session.id}").text
    assert 'hx-post="/en/door/sessions/' in page and 'action="/en/door/sessions/' in page
    response = client.post(
        f"/door/sessions/{session.id}/check-in",
        data={"participant_id": resident.participant_id},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f'id="door-row-{resident.participant_id}"' in response.text and "Undo" in response.text
    assert 'id="door-counters" hx-swap-oob="true"' in response.text
    counters = response.text.split('id="door-counters"')[1]
    assert "<dt>Registered</dt><dd>2</dd>" in counters
    assert "<dt>Present</dt><dd>1</dd>" in counters
    assert "<dt>Capacity</dt><dd>20</dd>" in counters
    attendance_id = attendances()[0].id
    undo = client.post(
        f"/door/sessions/{session.id}/undo",
        data={"attendance_id": attendance_id},
        headers={"HX-Request": "true"},
    )
    assert "Mark present" in undo.text and "<dt>Present</dt><dd>0</dd>" in undo.text
    assert attendances() == []
    assert db.session.scalar(sa.select(AuditEntry.action)) == "attendance.undone"


def test_find_by_name_and_by_phone(client, organiser, oujda):
    event = make_event(oujda)
    with_phone = make_user("Mariama", phone="+212612345678")
    make_registration(event, with_phone.participant)
    make_registration(event, make_user("Khadija").participant)
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    by_name = client.get(url, query_string={"q": "khad"}).text
    assert "Khadija" in by_name and "Mariama" not in by_name
    by_phone = client.get(url, query_string={"q": "612345678"}).text
    assert "Mariama" in by_phone and "Khadija" not in by_phone
    assert "Nobody found." in client.get(url, query_string={"q": "Zzz"}).text


def test_a_ticket_of_another_event_is_named_and_refused(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON, title="Atelier du lundi")
    other = make_event(oujda, title="Journée santé")
    registration = make_registration(other, resident.participant)
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{event.sessions[0].id}", query_string={"q": registration.ticket_code})
    assert "This ticket is for another event: Journée santé." in page.text
    assert "Mark present" not in page.text
    unknown = client.get(f"/door/sessions/{event.sessions[0].id}", query_string={"q": "KKK-KKK"})
    assert "No ticket or card has this code." in unknown.text
    assert attendances() == []


def test_a_card_checks_in_at_any_event_and_a_replaced_card_stops_working(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON)
    holder = make_card_holder("Awa")
    old_code = holder.cards[0].code
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    page = client.get(url, query_string={"q": old_code.lower()}).text
    assert "Awa" in page and "Not registered" in page
    assert f'<input type="hidden" name="code" value="{old_code}">' in page  # the form carries the card
    client.post(f"{url}/check-in", data={"participant_id": holder.id, "code": old_code})
    assert attendances()[0].participant_id == holder.id and attendances()[0].is_walk_in
    client.post(f"/desk/people/{holder.id}/reissue")
    page = client.get(url, query_string={"q": old_code}).text
    assert "This card was replaced by a new one: the old code no longer works." in page


def test_walk_ins_with_a_name_or_anonymous(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON, event_type="awareness")
    url = f"/door/sessions/{event.sessions[0].id}/walk-in"
    sign_in_as(client, organiser)
    assert client.post(url, data={"display_name": "Ibrahima"}).status_code == 303
    assert (
        client.post(url, data={"gender": "woman", "age_band": "25-59", "origin": "migrant"}).status_code
        == 303
    )
    named, anonymous = attendances()
    assert named.participant.display_name == "Ibrahima" and named.is_walk_in
    assert anonymous.participant_id is None
    assert (anonymous.anonymous_gender, anonymous.anonymous_age_band, anonymous.anonymous_origin) == (
        "woman",
        "25-59",
        "migrant",
    )
    door = client.get(f"/door/sessions/{event.sessions[0].id}").text
    assert "<dt>Walk-ins</dt><dd>2</dd>" in door and "<dt>Present</dt><dd>2</dd>" in door


def test_an_incomplete_anonymous_walk_in_is_refused(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON)
    sign_in_as(client, organiser)
    response = client.post(
        f"/door/sessions/{event.sessions[0].id}/walk-in",
        data={"gender": "woman", "age_band": "", "origin": "migrant"},
    )
    assert response.status_code == 422
    assert (
        "For an anonymous walk-in, choose a gender, an age band and an origin, or give a name."
        in response.text
    )
    assert attendances() == []


def test_attendance_per_session_and_the_csv(client, organiser, oujda, resident):
    event = make_event(oujda, sessions=8, title="Formation")
    make_registration(event, resident.participant)
    for session in event.sessions[:6]:
        make_attendance(session, resident.participant)
    formula = make_user('=HYPERLINK("http://evil")')
    make_registration(event, formula.participant)
    make_registration(event, make_user("عائشة").participant)
    make_attendance(
        event.sessions[0], None, anonymous_gender="man", anonymous_age_band="15-24", anonymous_origin="host"
    )
    sign_in_as(client, organiser)
    overview = client.get(f"/manage/events/{event.id}").text
    assert "6 of 8" in overview
    response = client.get(f"/manage/events/{event.id}/attendance.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Name", "Ticket code", "Status", "Sessions attended"] and len(rows[0]) == 12
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Fatou"][3] == "6/8" and by_name["Fatou"][4:10] == ["present"] * 6
    assert '\'=HYPERLINK("http://evil")' in by_name
    assert "عائشة" in by_name
    assert by_name["Anonymous walk-in"][3] == "1/8"
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(action="event.attendance_exported"))
    assert entry.actor_id == organiser.id and entry.target_id == event.id
    assert "Fatou" not in str(entry.details)


def test_the_door_of_a_cancelled_event_refuses_check_in(client, organiser, oujda, resident):
    event = make_event(oujda, status="cancelled")
    make_registration(event, resident.participant)
    sign_in_as(client, organiser)
    response = client.post(
        f"/door/sessions/{event.sessions[0].id}/check-in", data={"participant_id": resident.participant_id}
    )
    assert "This event has been cancelled." in client.get(response.headers["Location"]).text
    assert attendances() == []


def test_htmx_search_returns_the_results_fragment(client, organiser, oujda, resident):
    event = make_event(oujda)
    make_registration(event, resident.participant)
    make_registration(event, make_user("Omar").participant)
    sign_in_as(client, organiser)
    response = client.get(
        f"/door/sessions/{event.sessions[0].id}", query_string={"q": "fatou"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.text and "Fatou" in response.text and "Omar" not in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_the_door_page_in_arabic_is_right_to_left(client, organiser, oujda):
    event = make_event(oujda)
    sign_in_as(client, organiser)
    page = client.get(f"/ar/door/sessions/{event.sessions[0].id}").text
    assert '<html lang="ar" dir="rtl">' in page and "door-scan.js" in page


def test_the_name_search_lists_only_people_registered_for_the_event(client, organiser, oujda):
    # Card holders of every municipality were listed by name or phone: the door is for this event's
    # people; anyone else present with a card is found by its code, or counted as a walk-in.
    event = make_event(oujda)
    make_card_holder("Aminata", phone="06 11-22 33 44")
    registered = make_card_holder("Amina R.")
    make_registration(event, registered)
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    page = client.get(url, query_string={"q": "amin"}).text
    assert "Aminata" not in page and page.count("Amina R.") == 1
    by_phone = client.get(url, query_string={"q": "22 33 44"}).text
    assert "Aminata" not in by_phone and "Nobody found." in by_phone
    for wildcard in ("%", "_"):  # typed letters, not LIKE wildcards
        assert "Amina R." not in client.get(url, query_string={"q": wildcard}).text


def test_during_a_training_registration_is_closed_plainly(client, oujda, resident):
    from datetime import timedelta

    event = make_event(oujda, sessions=8, starts_in=timedelta(days=-2))
    sign_in_as(client, resident)
    assert "This event has already started: registration is closed." in client.get(f"/events/{event.id}").text
    response = client.post(f"/events/{event.id}/register")
    text = client.get(response.headers["Location"]).text
    assert "This event has already started: registration is closed." in text


def test_a_refused_htmx_check_in_loads_the_door_page_with_its_message(client, organiser, oujda, resident):
    event = make_event(oujda, status="cancelled")
    sign_in_as(client, organiser)
    response = client.post(
        f"/door/sessions/{event.sessions[0].id}/check-in",
        data={"participant_id": resident.participant_id},
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Redirect"] == f"/en/door/sessions/{event.sessions[0].id}"
    assert "This event has been cancelled." in client.get(response.headers["HX-Redirect"]).text


# --- Who the door may name: this event's people, a code, or a walk-in (issue 14) --------------------

REFUSED = (
    "Nobody registered for this event matches: find the person by their ticket or card code, "
    "or count them as a walk-in."
)


@pytest.mark.parametrize("who", ["organiser_other", "reviewer_other"])
@pytest.mark.parametrize(
    ("method", "action", "data"),
    [
        ("GET", "", {"q": "a"}),
        ("POST", "/check-in", {"participant_id": "{waiting}"}),
        ("POST", "/undo", {"attendance_id": "{present}"}),
        ("POST", "/walk-in", {"display_name": "Visiteur"}),
    ],
)
def test_the_door_of_another_municipality_is_not_found_and_nothing_is_written(
    client, oujda, la_marsa, resident, who, method, action, data
):
    event = make_event(oujda, starts_in=SOON)
    registration = make_registration(event, resident.participant)
    omar = make_user("Omar")
    omar_ticket = make_registration(event, omar.participant).ticket_code
    present = make_attendance(event.sessions[0], resident.participant, registration_id=registration.id)
    intruder = make_organiser(la_marsa) if who == "organiser_other" else make_reviewer(la_marsa)
    before = [(a.id, a.participant_id) for a in attendances()]
    people = db.session.scalar(sa.select(sa.func.count()).select_from(Participant))
    sign_in_as(client, intruder)
    filled = {key: value.format(waiting=omar.participant_id, present=present.id)
              for key, value in data.items()}
    url = f"/door/sessions/{event.sessions[0].id}{action}"
    for headers in ({}, {"HX-Request": "true"}):
        if method == "GET":
            response = client.get(url, query_string=filled, headers=headers)
        else:
            response = client.post(url, data=filled, headers=headers)
        assert response.status_code == 404
        for secret in ("Fatou", "Omar", registration.ticket_code, omar_ticket):
            assert secret not in response.text
    assert [(a.id, a.participant_id) for a in attendances()] == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == people


@pytest.mark.parametrize(
    "who", ["unknown", "la_marsa_resident", "administrator", "cancelled", "other_event", "card_holder"]
)
def test_check_in_by_a_bare_id_refuses_everyone_not_registered_alike(client, organiser, oujda, la_marsa, who):
    event = make_event(oujda, starts_in=SOON)
    make_registration(event, make_user("Omar").participant)  # someone the door may check in
    if who == "unknown":
        participant_id, name = db.session.scalar(sa.select(sa.func.max(Participant.id))) + 1000, None
    elif who == "la_marsa_resident":
        participant_id, name = make_user("Leila Ben Salah").participant_id, "Leila Ben Salah"
    elif who == "administrator":
        participant_id, name = make_admin(display_name="Karim Admin").participant_id, "Karim Admin"
    elif who == "cancelled":
        person = make_user("Sara Annulée").participant
        make_registration(event, person, status="cancelled")
        participant_id, name = person.id, "Sara Annulée"
    elif who == "other_event":
        person = make_user("Nadia Ailleurs").participant
        make_registration(make_event(oujda, starts_in=SOON), person)
        participant_id, name = person.id, "Nadia Ailleurs"
    else:
        participant_id, name = make_card_holder("Awa Carte").id, "Awa Carte"
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    response = client.post(f"{url}/check-in", data={"participant_id": participant_id})
    assert response.status_code == 303 and response.headers["Location"] == f"/en{url}"
    page = client.get(url).text
    assert REFUSED in page
    htmx = client.post(
        f"{url}/check-in", data={"participant_id": participant_id}, headers={"HX-Request": "true"}
    )
    assert htmx.headers["HX-Redirect"] == f"/en{url}" and htmx.text == ""
    assert REFUSED in client.get(url).text
    if name:
        assert name not in page
    assert attendances() == []


def test_a_code_in_the_form_must_be_the_persons_own(client, organiser, oujda):
    event = make_event(oujda, starts_in=SOON)
    holder, other_holder = make_card_holder("Awa"), make_card_holder("Binta")
    other_event_ticket = make_registration(make_event(oujda), holder).ticket_code
    registered = make_user("Omar").participant
    ticket = make_registration(event, registered).ticket_code
    revoked = holder.cards[0].code
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    client.post(f"/desk/people/{holder.id}/reissue")
    replaced = "This card was replaced by a new one: the old code no longer works."
    for participant_id, code, message in (
        (holder.id, other_holder.cards[0].code, REFUSED),  # someone else's card
        # A replaced card says so (as the door's search does for that code), naming nobody: a phone's
        # roster kept offline may be older than the reissue.
        (holder.id, revoked, replaced),
        (holder.id, other_event_ticket, REFUSED),  # a ticket of another event
        (holder.id, ticket, REFUSED),  # Omar's ticket
        (holder.id, "not a code", REFUSED),
    ):
        response = client.post(f"{url}/check-in", data={"participant_id": participant_id, "code": code})
        page = client.get(response.headers["Location"]).text
        assert message in page and "Awa" not in page
    assert attendances() == []
    db.session.expire_all()
    card = holder.cards[-1].code if holder.cards[-1].is_active else holder.cards[0].code
    page = client.get(url, query_string={"q": card}).text
    assert f'<input type="hidden" name="code" value="{card}">' in page
    for participant_id, code in ((holder.id, card), (registered.id, ticket)):
        response = client.post(f"{url}/check-in", data={"participant_id": participant_id, "code": code})
        assert response.status_code == 303
    assert {(a.participant_id, a.is_walk_in) for a in attendances()} == {
        (holder.id, True),
        (registered.id, False),
    }


def test_someone_on_the_waiting_list_is_checked_in_as_a_walk_in(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=SOON, capacity=1)
    make_registration(event, make_user("Omar").participant)
    waiting = make_registration(event, resident.participant, status="waiting")
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    assert "On the waiting list" in client.get(url, query_string={"q": "fatou"}).text
    client.post(f"{url}/check-in", data={"participant_id": resident.participant_id})
    [attendance] = attendances()
    assert attendance.is_walk_in and attendance.registration_id == waiting.id


# --- When the door opens ----------------------------------------------------------------------------


def opening_text(session) -> str:
    """What the door says before check-in opens, on Oujda's clock (two hours before, by default)."""
    opens = to_zone(session.starts_at - timedelta(hours=2), "Africa/Casablanca")
    time = format_time(opens, format="short", locale="en")
    return f"Check-in opens at {time} on {format_date(opens.date(), format='full', locale='en')}."


def test_check_in_opens_two_hours_before_the_session(client, organiser, oujda, resident):
    event = make_event(oujda, starts_in=timedelta(hours=3))
    make_registration(event, resident.participant)
    omar = make_user("Omar").participant
    make_registration(event, omar)
    entered_earlier = make_attendance(event.sessions[0], omar)  # before the session was moved later
    session = event.sessions[0]
    sign_in_as(client, organiser)
    url = f"/door/sessions/{session.id}"
    page = client.get(url, query_string={"q": "fatou"}).text
    assert opening_text(session) in page and "Fatou" in page
    assert "Mark present" not in page and "Count this walk-in" not in page
    assert "Undo" not in client.get(url).text
    for action, data in (
        ("check-in", {"participant_id": resident.participant_id}),
        ("undo", {"attendance_id": entered_earlier.id}),
        ("walk-in", {"display_name": "Visiteur"}),
        ("walk-in", {"gender": "woman", "age_band": "25-59", "origin": "migrant"}),
    ):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(f"{url}/{action}", data=data, headers=headers)
            target = response.headers.get("HX-Redirect") or response.headers["Location"]
            assert opening_text(session) in client.get(target).text
    assert [a.id for a in attendances()] == [entered_earlier.id]
    assert db.session.scalar(sa.select(sa.func.count()).filter(Participant.display_name == "Visiteur")) == 0


def test_check_in_stays_open_after_the_session_for_paper_sheets(client, organiser, oujda, resident):
    event = make_event(oujda, sessions=2, starts_in=timedelta(days=-3))
    make_registration(event, resident.participant)
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    assert "Check-in opens" not in client.get(url).text
    client.post(f"{url}/check-in", data={"participant_id": resident.participant_id})
    assert [a.participant_id for a in attendances()] == [resident.participant_id]


def test_how_early_check_in_opens_is_a_setting(app, client, organiser, oujda, resident, monkeypatch):
    monkeypatch.setitem(app.config, "JIWAR_CHECK_IN_OPENS_HOURS", 4)
    event = make_event(oujda, starts_in=timedelta(hours=3))
    make_registration(event, resident.participant)
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    assert "Mark present" in client.get(url, query_string={"q": "fatou"}).text
    client.post(f"{url}/check-in", data={"participant_id": resident.participant_id})
    assert len(attendances()) == 1


# --- Two phones on one presence at once -------------------------------------------------------------


@contextmanager
def right_after_the_check_in_commits(action):
    """Run `action` in another thread (another phone), once, the moment this thread's check-in has
    committed its attendance and before it answers."""
    thread, state = threading.current_thread(), {"inserted": False, "done": False}

    def flushed(session, _context):
        if threading.current_thread() is thread and any(isinstance(o, Attendance) for o in session.new):
            state["inserted"] = True

    def committed(_session):
        if threading.current_thread() is thread and state["inserted"] and not state["done"]:
            state["done"] = True
            other_phone = threading.Thread(target=action)
            other_phone.start()
            other_phone.join(timeout=60)

    sa.event.listen(Session, "after_flush", flushed)
    sa.event.listen(Session, "after_commit", committed)
    try:
        yield state
    finally:
        sa.event.remove(Session, "after_flush", flushed)
        sa.event.remove(Session, "after_commit", committed)


@pytest.mark.commits  # the other phone is another thread, with its own connection
@pytest.mark.parametrize("htmx", [True, False])
def test_an_undo_from_another_phone_as_the_check_in_commits_answers_not_present(
    app, client, organiser, oujda, resident, htmx
):
    event = make_event(oujda, starts_in=SOON, capacity=20)
    make_registration(event, resident.participant)
    url = f"/door/sessions/{event.sessions[0].id}"
    headers = {"HX-Request": "true"} if htmx else {}
    sign_in_as(client, organiser)
    other_phone = sign_in_as(app.test_client(), organiser)
    other_phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    undo_answers = []

    def undo():
        with app.app_context():
            attendance_id = db.session.scalar(sa.select(Attendance.id))
            undo_answers.append(
                other_phone.post(f"{url}/undo", data={"attendance_id": attendance_id}, headers=headers)
            )
            db.session.remove()

    with right_after_the_check_in_commits(undo) as race:
        response = client.post(
            f"{url}/check-in", data={"participant_id": resident.participant_id}, headers=headers
        )
    assert race["done"] and len(undo_answers) == 1
    assert attendances() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceTally)) == 0
    if htmx:
        assert response.status_code == 200
        assert f'id="door-row-{resident.participant_id}"' in response.text
        assert "Mark present" in response.text and "<dt>Present</dt><dd>0</dd>" in response.text
        assert "Mark present" in undo_answers[0].text
    else:
        assert response.status_code == 303
        page = client.get(response.headers["Location"]).text
        assert "Fatou is not marked present: another phone undid this presence at the same moment." in page
