"""The door: find by code, name or phone; one tap present / undo; walk-ins; attendance per session."""

import csv
import io

import sqlalchemy as sa

from app.core.models import AuditEntry
from app.events.models import Attendance
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import (
    make_attendance,
    make_card_holder,
    make_event,
    make_registration,
    make_user,
)


def attendances() -> list[Attendance]:
    return list(db.session.scalars(sa.select(Attendance).order_by(Attendance.id)))


def test_find_by_ticket_code_typed_loosely_and_check_in(client, organiser, oujda, resident):
    event = make_event(oujda, capacity=20)
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
    event = make_event(oujda)
    make_registration(event, resident.participant)
    sign_in_as(client, organiser)
    for _ in range(2):
        client.post(
            f"/door/sessions/{event.sessions[0].id}/check-in",
            data={"participant_id": resident.participant_id},
        )
    assert len(attendances()) == 1


def test_htmx_check_in_swaps_the_row_and_the_counters(client, organiser, oujda, resident):
    event = make_event(oujda, capacity=20)
    make_registration(event, resident.participant)
    make_registration(event, make_user("Omar").participant)
    session = event.sessions[0]
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{session.id}").text
    assert 'hx-post="/door/sessions/' in page and 'action="/door/sessions/' in page
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
    event = make_event(oujda, title="Atelier du lundi")
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
    event = make_event(oujda)
    holder = make_card_holder("Awa")
    old_code = holder.cards[0].code
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    page = client.get(url, query_string={"q": old_code}).text
    assert "Awa" in page and "Not registered" in page
    client.post(f"{url}/check-in", data={"participant_id": holder.id})
    assert attendances()[0].participant_id == holder.id and attendances()[0].is_walk_in
    client.post(f"/desk/people/{holder.id}/reissue")
    page = client.get(url, query_string={"q": old_code}).text
    assert "This card was replaced by a new one: the old code no longer works." in page


def test_walk_ins_with_a_name_or_anonymous(client, organiser, oujda):
    event = make_event(oujda, event_type="awareness")
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
    event = make_event(oujda)
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
        f"/door/sessions/{event.sessions[0].id}", query_string={"q": "fat"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in response.text and "Fatou" in response.text and "Omar" not in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_the_door_page_in_arabic_is_right_to_left(client, organiser, oujda):
    event = make_event(oujda)
    sign_in_as(client, organiser)
    page = client.get(f"/door/sessions/{event.sessions[0].id}", headers={"Accept-Language": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in page and "door-scan.js" in page


def test_a_card_holder_not_registered_is_found_by_name(client, organiser, oujda):
    event = make_event(oujda)
    make_card_holder("Aminata", phone="06 11-22 33 44")
    registered = make_card_holder("Amina R.")
    make_registration(event, registered)
    sign_in_as(client, organiser)
    url = f"/door/sessions/{event.sessions[0].id}"
    page = client.get(url, query_string={"q": "amin"}).text
    assert page.count("Aminata") == 1 and page.count("Amina R.") == 1  # each once
    assert "Not registered" in page
    assert "Aminata" in client.get(url, query_string={"q": "22 33 44"}).text


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
    assert response.headers["HX-Redirect"] == f"/door/sessions/{event.sessions[0].id}"
    assert "This event has been cancelled." in client.get(response.headers["HX-Redirect"]).text
