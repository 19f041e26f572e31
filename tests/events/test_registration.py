"""Residents register and cancel in one step; the waiting list moves up by itself."""

from datetime import timedelta

import sqlalchemy as sa
from icalendar import Calendar

from app.core.models import OutboxMessage
from app.core.time import utcnow
from app.events.models import Event, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_attendance, make_event, make_registration, make_user


def registrations() -> list[Registration]:
    return list(db.session.scalars(sa.select(Registration).order_by(Registration.id)))


def flash_after(client, response) -> str:
    assert response.status_code == 303
    return client.get(response.headers["Location"]).text


def test_register_in_one_step_then_see_the_ticket(client, oujda, resident):
    event = make_event(oujda, capacity=10)
    sign_in_as(client, resident)
    page = client.get(f"/events/{event.id}").text
    assert "10 left of 10" in page and ">Register<" in page
    text = flash_after(client, client.post(f"/events/{event.id}/register"))
    assert "You are registered. Your ticket is in My events." in text
    [registration] = registrations()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert db.session.get(Event, event.id).confirmed_count == 1
    ticket = client.get(f"/me/tickets/{registration.id}")
    assert ticket.status_code == 200
    assert registration.ticket_code in ticket.text and "<svg" in ticket.text
    assert ticket.headers["Cache-Control"] == "no-store"


def test_registering_twice_is_refused(client, oujda, resident):
    event = make_event(oujda, capacity=10)
    sign_in_as(client, resident)
    client.post(f"/events/{event.id}/register")
    text = flash_after(client, client.post(f"/events/{event.id}/register"))
    assert "You are already registered for this event." in text
    assert len(registrations()) == 1
    assert db.session.get(Event, event.id).confirmed_count == 1


def test_a_full_event_puts_people_on_the_waiting_list_in_order(client, oujda):
    event = make_event(oujda, capacity=1)
    first, second, third = make_user("A"), make_user("B"), make_user("C")
    for person in (first, second, third):
        sign_in_as(client, person)
        client.post(f"/events/{event.id}/register")
    assert [r.status for r in registrations()] == ["confirmed", "waiting", "waiting"]
    sign_in_as(client, third)
    page = client.get(f"/events/{event.id}").text
    assert "You are on the waiting list, number 2." in page
    sign_in_as(client, first)
    text = flash_after(client, client.post(f"/events/{event.id}/cancel-registration"))
    assert "Your registration is cancelled." in text
    assert [r.status for r in registrations()] == ["cancelled", "confirmed", "waiting"]
    event = db.session.get(Event, event.id)
    assert (event.confirmed_count, event.waiting_count) == (1, 1)
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "registration_promoted"))
    assert message.participant_id == second.participant_id
    sign_in_as(client, second)
    assert "You are registered." in client.get(f"/events/{event.id}").text
    assert "a seat freed up and you moved up from the waiting list" in client.get("/me/events").text
    assert "You are on the waiting list, number 1." in (
        sign_in_as(client, third).get(f"/events/{event.id}").text
    )


def test_cancelling_a_waiting_place_and_registering_again(client, oujda, resident):
    event = make_event(oujda, capacity=1)
    make_registration(event, make_user().participant)
    sign_in_as(client, resident)
    client.post(f"/events/{event.id}/register")
    client.post(f"/events/{event.id}/cancel-registration")
    assert db.session.get(Event, event.id).waiting_count == 0
    page = client.get(f"/events/{event.id}").text
    assert "You cancelled your registration. You can register again." in page
    client.post(f"/events/{event.id}/register")
    assert registrations()[-1].status == RegistrationStatus.WAITING
    text = flash_after(client, client.post(f"/events/{event.id}/cancel-registration"))
    assert "Your registration is cancelled." in text
    text = flash_after(client, client.post(f"/events/{event.id}/cancel-registration"))
    assert "This registration is already cancelled." in text


def test_a_cancelled_event_refuses_registration_and_says_so(client, oujda, resident):
    event = make_event(oujda, status=EventStatus.CANCELLED)
    sign_in_as(client, resident)
    page = client.get(f"/events/{event.id}").text
    assert "This event has been cancelled." in page
    text = flash_after(client, client.post(f"/events/{event.id}/register"))
    assert "This event has been cancelled: registration is closed." in text
    assert registrations() == []


def test_a_past_event_refuses_registration(client, oujda, resident):
    event = make_event(oujda, starts_in=timedelta(days=-3))
    sign_in_as(client, resident)
    assert (
        "This event has already taken place: registration is closed."
        in client.get(f"/events/{event.id}").text
    )
    text = flash_after(client, client.post(f"/events/{event.id}/register"))
    assert "This event has already taken place: registration is closed." in text
    assert registrations() == []


def test_registration_closing_time_and_opening_time(client, oujda, resident):
    closed = make_event(oujda, registration_closes_at=utcnow() - timedelta(hours=1))
    later = make_event(oujda, registration_opens_at=utcnow() + timedelta(days=2))
    sign_in_as(client, resident)
    assert "Registration closed on" in client.get(f"/events/{closed.id}").text
    assert "Registration for this event is closed." in flash_after(
        client, client.post(f"/events/{closed.id}/register")
    )
    assert "Registration opens on" in client.get(f"/events/{later.id}").text
    assert "Registration has not opened yet." in flash_after(
        client, client.post(f"/events/{later.id}/register")
    )
    assert registrations() == []


def test_a_draft_is_not_found_and_cannot_be_registered_for(client, oujda, resident):
    draft = make_event(oujda, status=EventStatus.DRAFT)
    sign_in_as(client, resident)
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert client.post(f"/events/{draft.id}/register").status_code == 404
    assert registrations() == []


def test_anonymous_visitors_are_asked_to_sign_in(client, oujda):
    event = make_event(oujda)
    assert "Sign in to register" in client.get(f"/events/{event.id}").text
    response = client.post(f"/events/{event.id}/register")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_my_events_shows_each_status(client, oujda, resident):
    confirmed = make_event(oujda, title="Confirmé")
    waiting = make_event(oujda, title="En attente", capacity=1)
    make_registration(waiting, make_user().participant)
    cancelled = make_event(oujda, title="Annulé par moi")
    training = make_event(oujda, title="Formation passée", sessions=8, starts_in=timedelta(days=-20))
    make_registration(confirmed, resident.participant)
    make_registration(waiting, resident.participant, status=RegistrationStatus.WAITING)
    make_registration(cancelled, resident.participant, status=RegistrationStatus.CANCELLED)
    make_registration(training, resident.participant)
    for session in training.sessions[:6]:
        make_attendance(session, resident.participant)
    sign_in_as(client, resident)
    upcoming = client.get("/me/events")
    assert upcoming.headers["Cache-Control"] == "no-store"
    for text in ("Confirmé", "En attente", "On the waiting list", "Annulé par moi", "Cancelled", "Ticket"):
        assert text in upcoming.text
    assert "Formation passée" not in upcoming.text
    past = client.get("/me/events?when=past").text
    assert "Formation passée" in past and "Attended" in past and "6 of 8 sessions attended" in past


def test_my_events_says_where_one_stands_on_each_waiting_list(client, oujda):
    full, other = make_event(oujda, title="Complet", capacity=1), make_event(oujda, title="Autre", capacity=1)
    first, second, third = make_user("A"), make_user("B"), make_user("C")
    for event in (full, other):
        for person in (first, second, third):
            sign_in_as(client, person)
            client.post(f"/events/{event.id}/register")
    sign_in_as(client, first)
    client.post(f"/events/{other.id}/cancel-registration")  # second moves up in "Autre" only
    sign_in_as(client, third)
    page = client.get("/me/events").text
    assert page.count("On the waiting list") == 2
    assert "number 2" in page.split("Autre")[0] and "number 1" in page.split("Autre")[1]
    assert "You are on the waiting list, number 2." in client.get(f"/events/{full.id}").text


def test_someone_elses_ticket_is_forbidden(client, oujda, resident):
    registration = make_registration(make_event(oujda), make_user().participant)
    sign_in_as(client, resident)
    assert client.get(f"/me/tickets/{registration.id}").status_code == 403
    assert client.get("/me/tickets/999").status_code == 404


def test_the_calendar_file_has_one_entry_per_session(client, oujda):
    event = make_event(oujda, title="Formation", sessions=3)
    response = client.get(f"/events/{event.id}/calendar.ics")
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.data)
    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == 3
    assert str(entries[0]["summary"]) == "Formation"
    assert entries[0].decoded("dtstart") == event.sessions[0].starts_at


def test_pages_in_french_and_arabic(client, oujda, resident):
    event = make_event(oujda, capacity=3)
    sign_in_as(client, resident)
    french = client.get(f"/fr/events/{event.id}")
    arabic = client.get(f"/ar/events/{event.id}")
    assert '<html lang="fr" dir="ltr">' in french.text
    assert '<html lang="ar" dir="rtl">' in arabic.text


def test_the_waiting_list_keeps_its_order_when_a_server_clock_is_behind(client, oujda, monkeypatch):
    """Two app servers: the second one's clock is five seconds behind the first's. A registration it
    accepts after the first server's still goes to the end of the waiting list."""
    from app.events.services import registration as registration_service

    event = make_event(oujda, capacity=1)
    first, second, third = make_user("A"), make_user("B"), make_user("C")
    for person in (first, second):
        sign_in_as(client, person)
        client.post(f"/events/{event.id}/register")
    behind = utcnow() - timedelta(seconds=5)
    monkeypatch.setattr(registration_service, "utcnow", lambda: behind)
    sign_in_as(client, third)
    assert client.post(f"/events/{event.id}/register").status_code == 303
    waiting = [r for r in registrations() if r.status == RegistrationStatus.WAITING]
    assert [r.participant_id for r in sorted(waiting, key=lambda r: r.queued_at)] == [
        second.participant_id, third.participant_id]
    assert "You are on the waiting list, number 2." in client.get(f"/events/{event.id}").text
