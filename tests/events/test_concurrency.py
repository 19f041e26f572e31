"""Capacity is never exceeded when many people press at the same instant (PostgreSQL row locks).

Each call runs in its own thread, context and session, released together (tests/concurrency.py).
"""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.models import OutboxMessage
from app.events.models import Event, Registration, RegistrationStatus
from app.events.services import cancel_registration, register_for_event
from app.extensions import db
from tests.concurrency import run_together
from tests.conftest import sign_in_as
from tests.factories import make_event, make_organiser, make_registration, make_user

pytestmark = pytest.mark.postgres_only


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

    event = make_event(oujda, starts_in=timedelta(hours=1))
    organiser = make_organiser(oujda)
    person = make_user().participant
    make_registration(event, person)
    person = person.id
    session_id, organiser_id = event.sessions[0].id, organiser.id
    db.session.remove()

    def tap():
        from app.accounts.models import User

        check_in(db.session.get(User, organiser_id), db.session.get(EventSession, session_id), person)

    errors = run_together(app, [tap for _ in range(12)])

    assert errors == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1


def test_a_check_in_meeting_a_presence_undone_at_once_answers_not_present(app, oujda):
    """Phone A finds Fatou not present; before A writes, phone B checks her in; A's insert meets
    B's row, and phone C undoes the presence before A reads it back. Each phone answers with the row
    as it is (A: not present), never a 500. Hooks on A's statements hold it at those two moments."""
    from app.events.models import Attendance, AttendanceTally

    event = make_event(oujda, starts_in=timedelta(hours=1))
    organiser = make_organiser(oujda)
    person = make_user("Fatou").participant
    make_registration(event, person)
    url, person_id = f"/door/sessions/{event.sessions[0].id}", person.id
    phones = {name: sign_in_as(app.test_client(), organiser) for name in "ABC"}
    for phone in phones.values():
        phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    htmx = {"HX-Request": "true"}
    a_inserts, b_answered, a_refused, c_answered = (threading.Event() for _ in range(4))
    phone_a, answers = {}, {}

    def is_a() -> bool:
        return threading.current_thread() is phone_a.get("thread")

    def before_insert(_connection, _cursor, statement, *_args):
        if is_a() and statement.startswith("INSERT INTO attendance (") and not a_inserts.is_set():
            a_inserts.set()
            b_answered.wait(30)

    def on_error(_context):
        if is_a() and a_inserts.is_set() and not a_refused.is_set():
            a_refused.set()
            c_answered.wait(30)

    def check_in(phone):
        return phones[phone].post(f"{url}/check-in", data={"participant_id": person_id}, headers=htmx)

    def a_checks_in():
        phone_a["thread"] = threading.current_thread()
        answers["A"] = check_in("A")

    def b_checks_in():
        try:
            a_inserts.wait(30)
            answers["B"] = check_in("B")
        finally:
            b_answered.set()

    def c_undoes():
        try:
            a_refused.wait(30)
            attendance_id = db.session.scalar(sa.select(Attendance.id))
            answers["C"] = phones["C"].post(f"{url}/undo", data={"attendance_id": attendance_id},
                                            headers=htmx)
        finally:
            c_answered.set()

    engine = db.engine
    db.session.remove()
    sa.event.listen(engine, "before_cursor_execute", before_insert)
    sa.event.listen(engine, "handle_error", on_error)
    try:
        errors = run_together(app, [a_checks_in, b_checks_in, c_undoes])
    finally:
        sa.event.remove(engine, "before_cursor_execute", before_insert)
        sa.event.remove(engine, "handle_error", on_error)

    assert errors == []
    assert a_refused.is_set()  # A's insert did meet B's row
    assert "Undo" in answers["B"].text and "<dt>Present</dt><dd>1</dd>" in answers["B"].text
    for phone in "AC":
        assert answers[phone].status_code == 200
        assert f'id="door-row-{person_id}"' in answers[phone].text
        assert "Mark present" in answers[phone].text and "<dt>Present</dt><dd>0</dd>" in answers[phone].text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceTally)) == 0


def test_phones_undoing_one_presence_at_once_take_it_off_the_tally_once(app, oujda):
    from app.events.models import Attendance, AttendanceTally
    from tests.factories import make_attendance

    event = make_event(oujda, sessions=2, starts_in=timedelta(days=-2))
    organiser = make_organiser(oujda)
    person = make_user("Fatou").participant
    make_registration(event, person)
    first = make_attendance(event.sessions[0], person)
    make_attendance(event.sessions[1], person)
    url, attendance_id, person_id = f"/door/sessions/{event.sessions[0].id}", first.id, person.id
    phones = [sign_in_as(app.test_client(), organiser) for _ in range(6)]
    answers = []
    db.session.remove()

    def undo(phone):
        return lambda: answers.append(phone.post(f"{url}/undo", data={"attendance_id": attendance_id}))

    assert run_together(app, [undo(phone) for phone in phones]) == []
    assert sorted(answer.status_code for answer in answers) == [303] * 6
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1
    assert db.session.scalar(sa.select(AttendanceTally.sessions).filter_by(participant_id=person_id)) == 1


def test_the_same_person_pressing_register_on_two_phones_at_once_gets_one_registration(app, oujda):
    """The existing registration is looked for before the event's lock is taken: two presses of one
    person both find none, the second is stopped by the unique constraint and answered from the
    first's row, in words."""
    from app.events.errors import RegistrationError

    event = make_event(oujda, capacity=10)
    participant_id = make_user().participant_id
    event_id = event.id
    db.session.remove()

    errors = run_together(app, [lambda: register_for_event(event_id, participant_id)] * 4, language="en")

    assert len(errors) == 3
    assert all(isinstance(error, RegistrationError) for error in errors)
    assert {error.message for error in errors} == {"You are already registered for this event."}
    event, rows = state(event_id)
    assert [(row.participant_id, row.status) for row in rows] == [
        (participant_id, RegistrationStatus.CONFIRMED)
    ]
    assert_counters_match(event, rows)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
