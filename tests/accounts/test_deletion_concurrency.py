"""Parallel deletions on PostgreSQL: the last administrator always remains, the waiting list moves once."""

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.events.models import Event, Registration, RegistrationStatus
from app.extensions import db
from tests.accounts.test_concurrency import in_parallel
from tests.factories import PASSWORD, make_admin, make_event, make_municipality, make_registration, make_user

pytestmark = pytest.mark.postgres_only
CONFIRM = {"password": PASSWORD, "confirm": "y"}


def _sign_in(client, session_id: str) -> None:
    """sign_in_as with the id read beforehand: a thread must not touch the main session's objects."""
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


def test_two_administrators_deleting_at_once_leave_one(app):
    sessions = [admin.get_id() for admin in (make_admin(), make_admin())]

    def send(client, n):
        _sign_in(client, sessions[n])
        return client.post("/me/delete", data=CONFIRM).status_code

    assert in_parallel(app, 2, send) == [200, 303]
    db.session.rollback()
    remaining = db.session.scalars(sa.select(User).where(User.is_admin.is_(True), User.deleted_at.is_(None)))
    assert len(list(remaining)) == 1


def test_people_leaving_a_full_event_at_once_promote_exactly_as_many(app):
    oujda = make_municipality("oujda")
    event = make_event(oujda, capacity=4)
    people = [make_user() for _ in range(4)]
    for person in people:
        make_registration(event, person.participant)
    leaving = [person.get_id() for person in people]
    waiting = [
        make_registration(event, make_user().participant, status=RegistrationStatus.WAITING) for _ in range(6)
    ]

    waiting_ids = [registration.id for registration in waiting]

    def send(client, n):
        _sign_in(client, leaving[n])
        return client.post("/me/delete", data=CONFIRM).status_code

    assert in_parallel(app, 4, send) == [303] * 4
    db.session.rollback()
    saved = db.session.get(Event, event.id)
    assert (saved.confirmed_count, saved.waiting_count) == (4, 2)
    statuses = dict(db.session.execute(sa.select(Registration.id, Registration.status)).all())
    assert [statuses[i] for i in waiting_ids] == ["confirmed"] * 4 + ["waiting"] * 2
