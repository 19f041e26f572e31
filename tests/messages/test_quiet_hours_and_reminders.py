"""Quiet hours hold back everything but codes and password links; reminders are queued once, the day
before at 18:00 and 2 hours before, in the municipality's time."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.models import OutboxMessage
from app.core.time import utcnow
from app.events import services as events
from app.extensions import db
from app.messages import quiet
from app.messages.quiet import end_of_quiet_hours
from app.messages.reminders import queue_due_reminders
from tests.factories import make_event, make_municipality, make_registration, make_user
from tests.query_count import count_queries


@pytest.fixture(autouse=True)
def in_a_request(app):
    with app.test_request_context():
        yield


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "until"),
    [
        ("2026-12-07T19:59:00", "Africa/Casablanca", None),  # 20:59 local
        ("2026-12-07T20:00:00", "Africa/Casablanca", "2026-12-08T07:00:00"),  # 21:00 local
        ("2026-12-08T06:30:00", "Africa/Casablanca", "2026-12-08T07:00:00"),  # 07:30 local
        ("2026-12-08T07:00:00", "Africa/Casablanca", None),  # 08:00 local
        ("2026-12-07T20:30:00", "Africa/Tunis", "2026-12-08T07:00:00"),  # 21:30 in Tunis (UTC+1)
    ],
)
def test_quiet_hours_are_read_in_the_municipality_time(now, zone, until):
    assert end_of_quiet_hours(at(now), zone, (21, 8)) == (at(until) if until else None)


def test_a_message_queued_at_night_waits_until_8_but_a_password_link_goes_at_once(app, monkeypatch):
    from app.accounts import services as accounts

    oujda = make_municipality("oujda")
    person = make_user("Amina", email="amina@example.org", municipality=oujda)
    night = at("2026-12-07T22:30:00")  # 23:30 in Oujda
    monkeypatch.setattr(quiet, "utcnow", lambda: night)
    event = make_event(oujda, starts_in=timedelta(days=30))
    events.register_for_event(event.id, person.participant_id)
    accounts.request_password_reset("amina@example.org")
    due = dict(db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.due_at)).all())
    assert due["registration_confirmed"] == at("2026-12-08T07:00:00")
    assert due["password_reset"] <= utcnow()  # due at once, not held until 08:00


def test_a_message_queued_in_the_day_is_due_at_once(app):
    oujda = make_municipality("oujda")
    person = make_user("Amina", municipality=oujda)
    event = make_event(oujda)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quiet, "utcnow", lambda: at("2026-12-07T10:00:00"))
        events.register_for_event(event.id, person.participant_id)
    assert db.session.scalar(sa.select(OutboxMessage.due_at)) <= utcnow()  # due at once


# -- Reminders ---------------------------------------------------------------------------------


def event_at(municipality, starts: str):
    event = make_event(municipality)
    event.starts_at = at(starts)
    event.ends_at = at(starts) + timedelta(hours=2)
    for session in event.sessions:
        session.starts_at, session.ends_at = event.starts_at, event.ends_at
    db.session.commit()
    return event


def reminders() -> list[tuple[int, str]]:
    return sorted(
        (message.participant_id, message.payload["slot"])
        for message in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "event_reminder")
        )
    )


def test_the_day_before_reminder_goes_from_18_00_local_and_once(app):
    oujda = make_municipality("oujda")
    event = event_at(oujda, "2026-12-08T15:00:00")  # 16:00 in Oujda, on the 8th
    person = make_user("Amina")
    make_registration(event, person.participant)
    assert queue_due_reminders(at("2026-12-07T16:59:00")) == 0  # 17:59 local
    assert queue_due_reminders(at("2026-12-07T17:00:00")) == 1  # 18:00 local
    assert queue_due_reminders(at("2026-12-07T17:30:00")) == 0  # already queued
    assert reminders() == [(person.participant_id, "day_before")]


def test_the_two_hour_reminder_follows_and_waiting_or_cancelled_people_get_none(app):
    tunis = make_municipality("raoued")
    event = event_at(tunis, "2026-12-08T15:00:00")  # 16:00 in Raoued
    confirmed, waiting, cancelled = make_user("A"), make_user("B"), make_user("C")
    make_registration(event, confirmed.participant)
    make_registration(event, waiting.participant, status="waiting")
    make_registration(event, cancelled.participant, status="cancelled")
    assert queue_due_reminders(at("2026-12-08T12:59:00")) == 0  # 2 h 01 before
    assert queue_due_reminders(at("2026-12-08T13:00:00")) == 1
    assert queue_due_reminders(at("2026-12-08T14:00:00")) == 0
    assert reminders() == [(confirmed.participant_id, "two_hours")]


def test_no_two_hour_reminder_in_quiet_hours(app):
    oujda = make_municipality("oujda")
    event = event_at(oujda, "2026-12-08T07:30:00")  # 08:30 local: 2 h before is 06:30, quiet
    make_registration(event, make_user("A").participant)
    assert queue_due_reminders(at("2026-12-08T05:30:00")) == 0
    assert queue_due_reminders(at("2026-12-08T07:00:00")) == 1  # 08:00 local: within 2 hours, told now


def test_cancelled_and_past_events_get_no_reminder(app):
    oujda = make_municipality("oujda")
    cancelled = event_at(oujda, "2026-12-08T15:00:00")
    cancelled.status = "cancelled"
    db.session.commit()
    make_registration(cancelled, make_user("A").participant)
    past = event_at(oujda, "2026-12-07T16:00:00")
    make_registration(past, make_user("B").participant)
    assert queue_due_reminders(at("2026-12-07T17:00:00")) == 0


def test_the_pass_runs_a_fixed_number_of_statements_whatever_the_number_of_registrations(app):
    oujda, raoued = make_municipality("oujda"), make_municipality("raoued")
    counts = []
    for size in (1, 12):
        db.session.execute(sa.delete(OutboxMessage))
        for municipality in (oujda, raoued):
            event = event_at(municipality, "2026-12-08T15:00:00")
            for n in range(size):
                make_registration(event, make_user(f"P{size}-{n}").participant)
        db.session.commit()
        with count_queries() as queries:
            queued = queue_due_reminders(at("2026-12-07T17:00:00"))
        counts.append(len(queries))
        assert queued == 2 * size
    assert counts[0] == counts[1] <= 4


def test_the_reminders_the_pass_queues_are_counted_on_the_event_s_management_page(app, client):
    from tests.conftest import sign_in_as
    from tests.factories import make_organiser

    oujda = make_municipality("oujda")
    event = event_at(oujda, "2026-12-08T15:00:00")
    for name in ("Amina", "Omar"):
        make_registration(event, make_user(name).participant)
    assert queue_due_reminders(at("2026-12-07T17:00:00")) == 2  # 18:00 in Oujda, the day before
    page = sign_in_as(client, make_organiser(oujda)).get(f"/en/manage/events/{event.id}").text
    assert "2 waiting to be sent" in page
