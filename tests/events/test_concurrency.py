"""Capacity is never exceeded when many people press at the same instant (PostgreSQL row locks).

Each thread has its own app context, hence its own database session and connection, like the
workers of gunicorn; a barrier releases them together.
"""

import threading

import pytest
import sqlalchemy as sa

from app.core.models import OutboxMessage
from app.events.models import Event, Registration, RegistrationStatus
from app.events.services import cancel_registration, register_for_event
from app.extensions import db
from tests.factories import make_event, make_user

pytestmark = pytest.mark.postgres_only


def run_together(app, calls):
    """Run each call in its own thread, released at once; returns the exceptions raised."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def worker(call):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                call()
            except Exception as error:  # noqa: BLE001 - collected and asserted empty
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def state(event_id):
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    rows = list(
        db.session.scalars(
            sa.select(Registration)
            .filter_by(event_id=event_id)
            .order_by(Registration.queued_at, Registration.id)
        )
    )
    return event, rows


def by_status(rows, status):
    return [r for r in rows if r.status == status]


def assert_counters_match(event, rows):
    assert event.confirmed_count == len(by_status(rows, RegistrationStatus.CONFIRMED))
    assert event.waiting_count == len(by_status(rows, RegistrationStatus.WAITING))


def test_sixty_simultaneous_registrations_for_ten_seats(app, oujda):
    event = make_event(oujda, capacity=10)
    participants = [make_user().participant_id for _ in range(60)]
    event_id = event.id
    db.session.remove()

    errors = run_together(app, [lambda p=p: register_for_event(event_id, p) for p in participants])

    assert errors == []
    event, rows = state(event_id)
    confirmed = by_status(rows, RegistrationStatus.CONFIRMED)
    waiting = by_status(rows, RegistrationStatus.WAITING)
    assert (len(confirmed), len(waiting)) == (10, 50)
    assert_counters_match(event, rows)
    # A consistent order: everyone confirmed came in before everyone waiting, and the waiting
    # list has no ties, so "number N on the waiting list" means one thing.
    assert max(r.queued_at for r in confirmed) <= min(r.queued_at for r in waiting)
    assert len({(r.queued_at, r.id) for r in waiting}) == 50
    assert len({r.ticket_code for r in rows}) == 60


def test_simultaneous_cancellations_promote_the_waiting_list_in_order(app, oujda):
    event = make_event(oujda, capacity=10)
    participants = [make_user().participant_id for _ in range(40)]
    for participant_id in participants:  # one after the other: a known order
        register_for_event(event.id, participant_id)
    _, rows = state(event.id)
    confirmed_ids = [r.id for r in by_status(rows, RegistrationStatus.CONFIRMED)]
    waiting_ids = [r.id for r in by_status(rows, RegistrationStatus.WAITING)]
    event_id = event.id
    db.session.remove()

    errors = run_together(app, [lambda r=r: cancel_registration(r) for r in confirmed_ids])

    assert errors == []
    event, rows = state(event_id)
    assert [r.id for r in by_status(rows, RegistrationStatus.CONFIRMED)] == waiting_ids[:10]
    assert [r.id for r in by_status(rows, RegistrationStatus.WAITING)] == waiting_ids[10:]
    assert_counters_match(event, rows)
    assert (event.confirmed_count, event.waiting_count) == (10, 20)
    promoted = db.session.scalars(sa.select(OutboxMessage).filter_by(kind="registration_promoted")).all()
    assert sorted(m.payload["registration_id"] for m in promoted) == sorted(waiting_ids[:10])


def test_cancellations_and_registrations_at_once_never_exceed_capacity(app, oujda):
    event = make_event(oujda, capacity=10)
    early = [make_user().participant_id for _ in range(15)]
    late = [make_user().participant_id for _ in range(40)]
    for participant_id in early:
        register_for_event(event.id, participant_id)
    _, rows = state(event.id)
    to_cancel = [r.id for r in rows[:10]] + [r.id for r in by_status(rows, RegistrationStatus.WAITING)[:3]]
    event_id = event.id
    db.session.remove()

    calls = [lambda r=r: cancel_registration(r) for r in to_cancel]
    calls += [lambda p=p: register_for_event(event_id, p) for p in late]
    errors = run_together(app, calls)

    assert errors == []
    event, rows = state(event_id)
    assert_counters_match(event, rows)
    assert event.confirmed_count == 10
    assert event.waiting_count == 15 + 40 - 13 - 10
    assert len(by_status(rows, RegistrationStatus.CANCELLED)) == 13


def test_two_phones_checking_in_the_same_person_record_one_attendance(app, oujda):
    from app.events.models import Attendance, EventSession
    from app.events.services import check_in
    from tests.factories import make_organiser

    event = make_event(oujda)
    organiser = make_organiser(oujda)
    person = make_user().participant_id
    session_id, organiser_id = event.sessions[0].id, organiser.id
    db.session.remove()

    def tap():
        from app.accounts.models import User

        check_in(db.session.get(User, organiser_id), db.session.get(EventSession, session_id), person)

    errors = run_together(app, [tap for _ in range(12)])

    assert errors == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1
