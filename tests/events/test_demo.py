"""The demo seed is believable and idempotent."""

import sqlalchemy as sa

from app.accounts.models import ParticipantCard
from app.demo import seed_demo
from app.events.models import Attendance, Event, EventSession, Registration
from app.extensions import db


def counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Event, EventSession, Registration, Attendance, ParticipantCard)
    )


def test_seeding_twice_changes_nothing(client):
    seed_demo()
    first = counts()
    assert first[0] == 12 and first[1] >= 25 and first[3] > 60
    seed_demo()
    assert counts() == first
    event = db.session.scalar(sa.select(Event).filter_by(title_fr="Atelier cuisine du monde"))
    assert (event.confirmed_count, event.waiting_count, event.capacity) == (3, 2, 3)
    assert "World cooking workshop" in client.get("/events").text
