"""The door's reads: its session, its people (searched, or named by a ticket or card code), its
counters and tally, the walk-ins it recorded, and the paper sheet typed in afterwards. Scoped by the
session the caller already checked (app/events/views/loaders.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import AgeBand, Gender, Participant, ParticipantCard, User
from app.core.codes import is_card_code
from app.core.pagination import Page, paginate
from app.events.models import (
    Attendance,
    DoorReceipt,
    Event,
    EventSession,
    PaperSheet,
    Registration,
    TallyGroup,
)
from app.events.queries import ACTIVE, registration_of
from app.extensions import db


def _digits_of(column) -> sa.ColumnElement:
    """A phone as typed ("06 12-34 56 78") compared by its digits only."""
    for separator in (" ", "-", ".", "+"):
        column = sa.func.replace(column, separator, "")
    return column


def door_session(session_id: int) -> EventSession | None:
    return db.session.scalars(
        sa.select(EventSession)
        .where(EventSession.id == session_id)
        .options(joinedload(EventSession.event).joinedload(Event.sessions))
    ).unique().one_or_none()


@dataclass
class DoorCounters:
    registered: int
    present: int
    walk_ins: int
    capacity: int | None


def door_counters(session: EventSession) -> DoorCounters:
    present, walk_ins = db.session.execute(
        sa.select(
            sa.func.count(Attendance.id),
            sa.func.count(Attendance.id).filter(Attendance.is_walk_in.is_(True)),
        ).where(Attendance.session_id == session.id)
    ).one()
    registered = db.session.scalar(sa.select(Event.confirmed_count).where(Event.id == session.event_id))
    return DoorCounters(registered or 0, present or 0, walk_ins or 0, session.event.capacity)


@dataclass
class DoorRow:
    participant: Participant | DoorPerson
    registration: Registration | DoorTicket | None
    attendance_id: int | None
    code: str | None = None  # the card or ticket code that found the person, sent with the check-in


@dataclass(frozen=True)
class DoorPerson:
    """What a door row shows of a registered person (read as plain columns: a page holds 30)."""

    id: int
    display_name: str
    erased_at: datetime | None


@dataclass(frozen=True)
class DoorTicket:
    status: str
    ticket_code: str


_PRESENCE = sa.orm.aliased(Attendance, name="presence")  # built once: an alias costs ~100 µs to make
# What a door row shows, read as plain columns (door_people, door_row) and made a row by _door_row.
_DOOR_COLUMNS = (
    Participant.id,
    Participant.display_name,
    Participant.erased_at,
    Registration.status,
    Registration.ticket_code,
    _PRESENCE.id,
)


def _door_row(person_id, name, erased_at, status, code, attendance_id) -> DoorRow:
    ticket = DoorTicket(status, code) if status is not None else None
    return DoorRow(DoorPerson(person_id, name, erased_at), ticket, attendance_id)


def _door_registrations(session: EventSession) -> sa.Select:
    """The event's confirmed and waiting registrations by name, each with its presence at this
    session: the rows of the door and of the printed sheet."""
    return (
        sa.select(*_DOOR_COLUMNS)
        .select_from(Registration)
        .join(Participant, Participant.id == Registration.participant_id)
        .outerjoin(
            _PRESENCE,
            sa.and_(
                _PRESENCE.session_id == session.id, _PRESENCE.participant_id == Registration.participant_id
            ),
        )
        .where(Registration.event_id == session.event_id, Registration.status.in_(ACTIVE))
        .order_by(Participant.display_name, Registration.id)
    )


def door_people(session: EventSession, search: str, page: int, per_page: int = 30) -> Page:
    """The event's registrations (confirmed and waiting), each with its presence at this session;
    searched by name, phone or ticket code."""
    statement = _door_registrations(session)
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        conditions = [
            Participant.display_name.icontains(search, autoescape=True),
            Registration.ticket_code.icontains(search, autoescape=True),
        ]
        if len(digits) >= 4:
            # At most one account per participant: the join adds no row.
            statement = statement.outerjoin(User, User.participant_id == Participant.id)
            conditions += [
                _digits_of(Participant.phone).like(f"%{digits}%"),
                _digits_of(User.phone).like(f"%{digits}%"),
            ]
        statement = statement.where(sa.or_(*conditions))
    result = paginate(statement, page, per_page, scalars=False)
    result.items = [_door_row(*row) for row in result.items]
    return result


def door_receipt_exists(client_id: str) -> bool:
    """Whether the door already accepted the entry a phone made with this id."""
    return db.session.get(DoorReceipt, client_id) is not None


def door_receipts_among(client_ids: list[str]) -> set[str]:
    """Which of these ids (made on phones) the door has already accepted: a queue sent again is
    answered with one read."""
    if not client_ids:
        return set()
    found = sa.select(DoorReceipt.client_id).where(DoorReceipt.client_id.in_(client_ids))
    return set(db.session.scalars(found))


def door_roster(session: EventSession) -> list[tuple[DoorPerson, str]]:
    """Who the door may name at this session, for a phone to keep while the network is gone: each
    registered person (confirmed or waiting) and their ticket code; who is present is not in it."""
    found = db.session.execute(
        sa.select(Participant.id, Participant.display_name, Participant.erased_at, Registration.ticket_code)
        .join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.event_id == session.event_id, Registration.status.in_(ACTIVE))
        .order_by(Participant.display_name, Registration.id)
    )
    return [(DoorPerson(id, name, erased_at), code) for id, name, erased_at, code in found]


def door_row(session: EventSession, participant_id: int) -> DoorRow | None:
    """One person's row as it is now (present or not, whichever phone wrote last), with their
    registration for the event if they have one. Only for someone the door may already name."""
    found = db.session.execute(
        sa.select(*_DOOR_COLUMNS)
        .select_from(Participant)
        .outerjoin(
            Registration,
            sa.and_(Registration.participant_id == Participant.id, Registration.event_id == session.event_id),
        )
        .outerjoin(
            _PRESENCE, sa.and_(_PRESENCE.session_id == session.id, _PRESENCE.participant_id == Participant.id)
        )
        .where(Participant.id == participant_id)
    ).one_or_none()
    return None if found is None else _door_row(*found)


def paper_sheet_people(session: EventSession) -> list[DoorRow]:
    """Everyone the printed sheet lists (the event's confirmed and waiting registrations, by name),
    each with their presence at this session: the same rows as the door's, all on one sheet."""
    rows = db.session.execute(_door_registrations(session))
    return [_door_row(*row) for row in rows]


def active_registration_ids(event_id: int, participant_ids: list[int]) -> dict[int, int]:
    """participant id -> their confirmed or waiting registration's id, for these people."""
    rows = db.session.execute(
        sa.select(Registration.participant_id, Registration.id).where(
            Registration.event_id == event_id,
            Registration.participant_id.in_(participant_ids),
            Registration.status.in_(ACTIVE),
        )
    )
    return dict(rows.all())


def paper_sheet_of(session_id: int) -> PaperSheet | None:
    """The session's sheet if it was typed back in already."""
    return db.session.scalar(sa.select(PaperSheet).filter_by(session_id=session_id))


def door_walk_ins(session: EventSession, limit: int = 50) -> list[Attendance]:
    return list(
        db.session.scalars(
            sa.select(Attendance)
            .where(Attendance.session_id == session.id, Attendance.is_walk_in.is_(True))
            .options(joinedload(Attendance.participant))
            .order_by(Attendance.checked_in_at.desc(), Attendance.id.desc())
            .limit(limit)
        )
    )


def _tally_group_of_walk_in():
    """Which tally button an anonymous walk-in counts under: the tally's own and the walk-in form's
    (a woman of 15 to 24 counts among the women), None for a gender not given."""
    child = Attendance.anonymous_age_band == AgeBand.CHILD.value
    woman = Attendance.anonymous_gender == Gender.WOMAN.value
    man = Attendance.anonymous_gender == Gender.MAN.value
    return sa.case(
        (sa.and_(woman, child), TallyGroup.GIRLS.value),
        (woman, TallyGroup.WOMEN.value),
        (sa.and_(man, child), TallyGroup.BOYS.value),
        (man, TallyGroup.MEN.value),
        else_=sa.null(),
    )


def door_tally(session: EventSession) -> dict[str, int]:
    """Anonymous walk-ins at this session per tally button, counted in one GROUP BY."""
    group = _tally_group_of_walk_in().label("tally_group")
    rows = db.session.execute(
        sa.select(group, sa.func.count())
        .where(Attendance.session_id == session.id, Attendance.participant_id.is_(None))
        .group_by(group)
    )
    counts = {member.value: 0 for member in TallyGroup}
    counts.update({key: number for key, number in rows if key is not None})
    return counts


def tally_walk_in(session: EventSession, attendance_id: int | None) -> Attendance | None:
    """An anonymous walk-in of this session (the one a tally's "Undo" and origin buttons amend)."""
    if attendance_id is None:
        return None
    return db.session.scalar(
        sa.select(Attendance).where(
            Attendance.id == attendance_id,
            Attendance.session_id == session.id,
            Attendance.participant_id.is_(None),
        )
    )


@dataclass
class CodeMatch:
    participant: Participant | None = None
    registration: Registration | None = None
    problem: str | None = None  # other_event / revoked / unknown
    other_event: Event | None = None


def find_by_code(event_id: int, code: str) -> CodeMatch:
    """A ticket of this event, or an active card; anything else says what is wrong with it."""
    if is_card_code(code):
        card = db.session.scalar(
            sa.select(ParticipantCard).filter_by(code=code).options(joinedload(ParticipantCard.participant))
        )
        if card is None:
            return CodeMatch(problem="unknown")
        if not card.is_active:
            return CodeMatch(problem="revoked")
        return CodeMatch(
            participant=card.participant, registration=registration_of(event_id, card.participant_id)
        )
    registration = db.session.scalar(
        sa.select(Registration)
        .filter_by(ticket_code=code)
        .options(joinedload(Registration.participant), joinedload(Registration.event))
    )
    if registration is None:
        return CodeMatch(problem="unknown")
    if registration.event_id != event_id:
        return CodeMatch(problem="other_event", other_event=registration.event)
    return CodeMatch(participant=registration.participant, registration=registration)


def attendance_at(session_id: int, attendance_id: int) -> Attendance | None:
    return db.session.scalar(
        sa.select(Attendance)
        .filter_by(id=attendance_id, session_id=session_id)
        .options(joinedload(Attendance.participant))
    )


def attendance_of(session_id: int, participant_id: int) -> Attendance | None:
    return db.session.scalar(
        sa.select(Attendance).filter_by(session_id=session_id, participant_id=participant_id)
    )
