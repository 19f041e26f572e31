"""The event's row lock: every change to its seats, waiting list or counters happens under it."""

import sqlalchemy as sa

from app.events.models import Event
from app.extensions import db


def lock_event(event_id: int) -> Event | None:
    """SELECT ... FOR UPDATE on the event row (PostgreSQL; SQLite already holds its write lock).

    populate_existing: an event already in the session is refreshed from the locked row, so the
    counters read here are the ones no other transaction can change until we commit.
    """
    return db.session.scalar(
        sa.select(Event)
        .where(Event.id == event_id)
        .with_for_update(of=Event)
        .execution_options(populate_existing=True)
    )


def rolls_back_on_refusal(function):
    """A refused change leaves nothing behind: the session is rolled back before the error leaves."""
    from functools import wraps

    from app.events.errors import EventError

    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except EventError:
            db.session.rollback()
            raise

    return wrapper
