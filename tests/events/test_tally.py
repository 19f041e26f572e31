"""The attendance tally the reports count from stays equal to the attendances, whatever the door,
the desk or a correction does, and `flask jiwar rebuild-rollups` recomputes the same rows."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.events import services, tally
from app.events.models import Attendance, AttendanceTally, CardLinkRequest, Event
from app.extensions import db
from tests.concurrency import run_together
from tests.factories import make_attendance, make_card_holder, make_event, make_registration, make_user


def kept() -> dict[tuple[int, int], int]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(AttendanceTally.participant_id, AttendanceTally.event_id,
                                        AttendanceTally.sessions))
    return {(p, e): n for p, e, n in rows}


def counted() -> dict[tuple[int, int], int]:
    rows = db.session.execute(
        sa.select(Attendance.participant_id, Attendance.event_id, sa.func.count())
        .where(Attendance.participant_id.is_not(None))
        .group_by(Attendance.participant_id, Attendance.event_id)
    )
    return {(p, e): n for p, e, n in rows}


def test_check_in_undo_and_walk_ins_keep_the_tally(organiser, oujda, resident):
    event = make_event(oujda, sessions=3, starts_in=timedelta(days=-3))  # the door is open for all three
    make_registration(event, resident.participant)
    first, second, _third = event.sessions
    person = resident.participant_id
    services.check_in(organiser, first, person)
    services.check_in(organiser, first, person)  # pressed twice: one attendance
    attendance = services.check_in(organiser, second, person)
    assert kept() == {(person, event.id): 2}
    services.undo_check_in(organiser, second, attendance.id)
    services.undo_check_in(organiser, second, attendance.id)  # already undone
    assert kept() == {(person, event.id): 1}
    services.record_walk_in(organiser, first, gender="woman", age_band="25-59", origin="host")
    named = services.record_walk_in(organiser, first, display_name="Moussa")
    assert kept() == {(person, event.id): 1, (named.participant_id, event.id): 1}
    only = db.session.scalar(sa.select(Attendance).filter_by(session_id=first.id, participant_id=person))
    services.undo_check_in(organiser, first, only.id)
    assert kept() == counted() == {(named.participant_id, event.id): 1}


def test_a_card_merged_into_an_account_moves_its_tally(client, organiser, oujda):
    from tests.conftest import sign_in_as

    holder = make_card_holder("Awa")
    account = make_user("Awa Diallo", email="awa@example.org")
    event, other = make_event(oujda, sessions=2), make_event(oujda)
    make_registration(event, holder)
    make_attendance(event.sessions[0], holder)
    make_attendance(event.sessions[1], holder)
    make_attendance(other.sessions[0], account.participant)
    sign_in_as(client, organiser)
    link = {"card_code": holder.cards[0].code, "account": "awa@example.org"}
    assert client.post(f"/desk/people/{holder.id}/link", data=link).status_code == 303
    sign_in_as(client, account)
    request_id = db.session.scalar(sa.select(CardLinkRequest.id))
    assert client.post(f"/me/card-links/{request_id}/confirm").status_code == 303
    merged = account.participant_id
    assert kept() == counted() == {(merged, event.id): 2, (merged, other.id): 1}


def test_rebuild_gives_the_maintained_rows_and_deleting_an_event_removes_them(oujda):
    people = [make_user(f"P{i}").participant for i in range(3)]
    event, other = make_event(oujda, sessions=2), make_event(oujda)
    for person in people:
        make_attendance(event.sessions[0], person)
    make_attendance(event.sessions[1], people[0])
    make_attendance(other.sessions[0], people[1])
    make_attendance(other.sessions[0])  # anonymous walk-in: attendances only
    maintained = kept()
    assert maintained == counted() and maintained[(people[0].id, event.id)] == 2
    db.session.execute(sa.delete(AttendanceTally))
    assert tally.rebuild() == 4
    db.session.commit()
    assert kept() == maintained
    db.session.delete(db.session.get(Event, other.id))
    db.session.commit()
    assert set(kept()) == {(person.id, event.id) for person in people}


@pytest.mark.postgres_only
def test_two_doors_checking_one_person_into_two_sessions_at_once_count_both(app, organiser, oujda, resident):
    event = make_event(oujda, sessions=4, starts_in=timedelta(days=-4))
    make_registration(event, resident.participant)
    session_ids, person, actor_id = [s.id for s in event.sessions], resident.participant_id, organiser.id
    db.session.commit()

    def door(session_id):
        def call():
            from app.accounts.models import User
            from app.events.models import EventSession

            actor, session = db.session.get(User, actor_id), db.session.get(EventSession, session_id)
            services.check_in(actor, session, person)
        return call

    assert run_together(app, [door(sid) for sid in session_ids * 2]) == []
    assert kept() == counted() == {(person, event.id): 4}
