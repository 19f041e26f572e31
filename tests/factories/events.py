"""Events, sessions, registrations and attendances."""

import itertools
from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import Municipality, Participant
from app.core.codes import new_ticket_code
from app.core.time import utcnow
from app.core.translated import as_texts
from app.events.models import (
    Attendance,
    Event,
    EventSession,
    EventStatus,
    EventType,
    Registration,
    RegistrationStatus,
)
from app.extensions import db
from tests.factories.accounts import make_municipality

_counter = itertools.count(1)


def make_event(
    municipality: Municipality,
    *,
    title: str | None = None,
    event_type: str = EventType.WORKSHOP,
    status: str = EventStatus.PUBLISHED,
    capacity: int | None = None,
    sessions: int = 1,
    starts_in: timedelta = timedelta(days=7),
    session_length: timedelta = timedelta(hours=2),
    **fields,
) -> Event:
    """A published event starting in a week, with `sessions` daily sessions."""
    n = next(_counter)
    first_start = utcnow().replace(microsecond=0) + starts_in
    event = Event(
        municipality=municipality,
        event_type=event_type,
        status=status,
        title_fr=title or f"Atelier {n}",
        **_venue(fields.pop("venue", {"fr": "Maison de quartier", "ar": "دار الحي"}), fields),
        capacity=capacity,
        starts_at=first_start,
        ends_at=first_start + timedelta(days=sessions - 1) + session_length,
        **fields,
    )
    event.sessions = [
        EventSession(starts_at=start, ends_at=start + session_length)
        for start in (first_start + timedelta(days=i) for i in range(sessions))
    ]
    db.session.add(event)
    db.session.commit()
    return event


def _venue(venue: str | dict[str, str], fields: dict) -> dict[str, str | None]:
    """The venue's columns: a dict by language, or one text taken to be in its own language; a
    `venue_ar=` given on its own replaces that language."""
    columns = {f"venue_{code}": text or None for code, text in as_texts(venue).items()}
    columns.update({name: fields.pop(name) for name in list(fields) if name.startswith("venue_")})
    return columns


def make_registration(
    event: Event, participant: Participant, status: str = RegistrationStatus.CONFIRMED
) -> Registration:
    """A registration written directly, counters kept in step (services do this under a lock)."""
    registration = Registration(
        event=event, participant=participant, status=status, ticket_code=new_ticket_code()
    )
    if status == RegistrationStatus.CONFIRMED:
        registration.confirmed_at = utcnow()
        event.confirmed_count += 1
    elif status == RegistrationStatus.WAITING:
        event.waiting_count += 1
    db.session.add(registration)
    db.session.commit()
    return registration


def make_attendance(session: EventSession, participant: Participant | None = None, **fields) -> Attendance:
    """Presence at a session; without a participant it is an anonymous walk-in."""
    attendance = Attendance(
        session=session,
        event_id=session.event_id,
        participant=participant,
        is_walk_in=fields.pop("is_walk_in", participant is None),
        **fields,
    )
    db.session.add(attendance)
    db.session.commit()
    return attendance


def make_card_holder(display_name: str = "Awa", municipality=None, **fields) -> Participant:
    """A participant known only by an active desk card, issued at `municipality`'s desk (Oujda's
    when none is given)."""
    from app.accounts.models import ParticipantCard
    from app.core.codes import new_card_code

    if municipality is None:
        existing = db.session.scalar(sa.select(Municipality).filter_by(slug="oujda"))
        municipality = existing or make_municipality()
    participant = Participant(display_name=display_name, **fields)
    participant.cards = [ParticipantCard(code=new_card_code(), municipality_id=municipality.id)]
    db.session.add(participant)
    db.session.commit()
    return participant
