"""Every read of the events domain that lists or counts, already scoped to what the person may see.

Each page runs a fixed number of queries whatever the data: relationships a page shows are loaded
eagerly, counts come from the maintained counters or one GROUP BY.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from app.accounts.models import AgeBand, Gender, Municipality, Participant, ParticipantCard, Role, User
from app.accounts.municipalities import municipalities_for
from app.core.codes import is_card_code
from app.core.dates import in_range
from app.core.languages import normalise
from app.core.pagination import Page, paginate
from app.core.time import utcnow
from app.events import desk_scope
from app.events.models import (
    Attendance,
    AttendeeStatus,
    CardLinkRequest,
    DoorReceipt,
    Event,
    EventSession,
    EventStatus,
    EventType,
    LinkRequestStatus,
    PaperSheet,
    Registration,
    RegistrationStatus,
    TallyGroup,
)
from app.events.permissions import managed_municipality_ids
from app.extensions import db
from app.programmes.covers import programmes_covering
from app.programmes.models import Programme

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)
LANGUAGES = ("fr", "ar", "en")


@dataclass
class EventFilters:
    """The public list's filters, each allow-listed; `args()` gives the shareable query string."""

    event_type: str = ""
    municipality: str = ""  # slug
    on: date | None = None
    language: str = ""
    q: str = ""
    when: str = "upcoming"
    refused_date: str = ""  # a date that reads but lies outside the years Jiwar counts: said so, left out

    @classmethod
    def from_args(cls, args) -> EventFilters:
        event_type = args.get("type", "")
        language = args.get("language", "")
        try:
            on = date.fromisoformat(args.get("date", ""))
        except ValueError:
            on = None
        refused_date = ""
        if on is not None and not in_range(on):
            on, refused_date = None, args.get("date", "")
        return cls(
            event_type=event_type if event_type in set(EventType) else "",
            municipality=(args.get("municipality", "") or "")[:60],
            on=on,
            language=normalise(language) or "",
            q=(args.get("q", "") or "").strip()[:100],
            when="past" if args.get("when") == "past" else "upcoming",
            refused_date=refused_date,
        )

    @property
    def active(self) -> int:
        """How many filters are on (a refused date counts: it is shown, with its error)."""
        return sum(map(bool, (self.q, self.event_type, self.municipality, self.on or self.refused_date,
                              self.language)))

    def args(self) -> dict:
        values = asdict(self)  # a refused date is left out of the links, as it is of the list
        mapped = {
            "type": values["event_type"],
            "municipality": values["municipality"],
            "date": self.on.isoformat() if self.on else "",
            "language": values["language"],
            "q": values["q"],
            "when": "past" if self.when == "past" else "",
        }
        return {key: value for key, value in mapped.items() if value}


def _digits_of(column):
    """A phone as typed ("06 12-34 56 78") compared by its digits only."""
    for separator in (" ", "-", ".", "+"):
        column = sa.func.replace(column, separator, "")
    return column


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def public_events(filters: EventFilters, page: int, per_page: int = 20, now: datetime | None = None) -> Page:
    now = now or utcnow()
    statement = (
        sa.select(Event).where(Event.status.in_(PUBLIC_STATUSES)).options(selectinload(Event.sessions))
    )
    if filters.when == "past":
        statement = statement.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        statement = statement.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    if filters.event_type:
        statement = statement.where(Event.event_type == filters.event_type)
    if filters.municipality:
        statement = statement.where(
            Event.municipality_id.in_(
                sa.select(Municipality.id).where(Municipality.slug == filters.municipality)
            )
        )
    if filters.on:
        day_start = datetime.combine(filters.on, time.min).replace(tzinfo=now.tzinfo)
        statement = statement.where(
            Event.id.in_(
                sa.select(EventSession.event_id).where(
                    EventSession.starts_at < day_start + timedelta(days=1), EventSession.ends_at > day_start
                )
            )
        )
    if filters.language:
        statement = statement.where(
            (sa.literal(",") + Event.languages + sa.literal(",")).like(f"%,{filters.language},%")
        )
    if filters.q:
        pattern = _like(filters.q)
        statement = statement.where(
            sa.or_(
                *(
                    getattr(Event, f"{kind}_{code}").ilike(pattern, escape="\\")
                    for kind in ("title", "description", "venue")
                    for code in LANGUAGES
                ),
            )
        )
    return paginate(statement, page, per_page)


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name_fr)))


def event_with_sessions(event_id: int) -> Event | None:
    # One event: its sessions in the same query (a row each) rather than a second SELECT.
    return db.session.scalars(
        sa.select(Event).where(Event.id == event_id).options(joinedload(Event.sessions))
    ).unique().one_or_none()


def registration_of(event_id: int, participant_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).filter_by(event_id=event_id, participant_id=participant_id)
    )


def _waiting_ahead(counted, event_id, queued_at, registration_id) -> sa.Select:
    """How many people wait before this place in the event's queue (queued earlier, then lower id);
    `counted` is Registration or an alias of it (to correlate with an outer Registration row)."""
    return (
        sa.select(sa.func.count())
        .select_from(counted)
        .where(
            counted.event_id == event_id,
            counted.status == RegistrationStatus.WAITING,
            sa.or_(
                counted.queued_at < queued_at,
                sa.and_(counted.queued_at == queued_at, counted.id < registration_id),
            ),
        )
    )


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = db.session.scalar(
        _waiting_ahead(Registration, registration.event_id, registration.queued_at, registration.id)
    )
    return (ahead or 0) + 1


def managed_events(user, page: int, per_page: int = 20) -> Page:
    statement = (
        sa.select(Event)
        .options(selectinload(Event.sessions))
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    ids = managed_municipality_ids(user)
    if ids is not None:
        statement = statement.where(Event.municipality_id.in_(ids))
    return paginate(statement, page, per_page)


def managed_municipalities(user) -> list[Municipality]:
    return municipalities_for(user, Role.ORGANISER)


def programmes_for(municipality_ids: list[int]) -> list[Programme]:
    return programmes_covering(municipality_ids)


def upcoming_managed_events(user, limit: int = 100) -> list[Event]:
    statement = (
        sa.select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at > utcnow())
        .order_by(Event.starts_at)
        .limit(limit)
    )
    ids = managed_municipality_ids(user)
    if ids is not None:
        statement = statement.where(Event.municipality_id.in_(ids))
    return list(db.session.scalars(statement))


# --- My events -------------------------------------------------------------------------------


@dataclass
class MyRegistration:
    registration: Registration
    attended_sessions: int
    waiting_position: int | None = None  # 1 for the first person waiting

    @property
    def display_status(self) -> AttendeeStatus:
        """Confirmed, waiting, attended or cancelled, as the person sees it."""
        if self.attended_sessions:
            return AttendeeStatus.ATTENDED
        return AttendeeStatus(self.registration.status)


def my_registrations(participant_id: int, when: str, page: int, per_page: int = 20) -> Page:
    statement = _my_registrations_statement(past=when == "past")
    params = {"participant_id": participant_id, "now": utcnow()}
    result = paginate(statement, page, per_page, scalars=False, params=params)
    result.items = [
        MyRegistration(registration, count or 0, position) for registration, count, position in result.items
    ]
    return result


@functools.cache
def _my_registrations_statement(past: bool) -> sa.Select:
    """A person's registrations (bound as `participant_id`) of events ended before `now`, or not,
    with their attended sessions and place in the queue. Built once: building it afresh was a quarter
    of the page's time (python -m bench.cpu, /me/events)."""
    person, now = sa.bindparam("participant_id"), sa.bindparam("now")
    attended = (
        sa.select(sa.func.count(Attendance.id))
        .where(Attendance.event_id == Registration.event_id, Attendance.participant_id == person)
        .correlate(Registration)
        .scalar_subquery()
    )
    ahead = (
        _waiting_ahead(aliased(Registration), Registration.event_id, Registration.queued_at, Registration.id)
        .correlate(Registration)
        .scalar_subquery()
    )
    position = sa.case((Registration.status == RegistrationStatus.WAITING, ahead + 1), else_=None)
    statement = (
        sa.select(Registration, attended, position)
        .join(Registration.event)
        .where(Registration.participant_id == person)
        .options(contains_eager(Registration.event).selectinload(Event.sessions))
    )
    if past:
        return statement.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Registration.id)
    return statement.where(Event.ends_at >= now).order_by(Event.starts_at, Registration.id)


def ticket(registration_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration)
        .where(Registration.id == registration_id)
        .options(joinedload(Registration.event).selectinload(Event.sessions))
    )


# --- The door ---------------------------------------------------------------------------------


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
        pattern = _like(search)
        digits = "".join(ch for ch in search if ch.isdigit())
        conditions = [
            Participant.display_name.ilike(pattern, escape="\\"),
            Registration.ticket_code.ilike(pattern, escape="\\"),
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


# --- Attendance per event -------------------------------------------------------------------------


@dataclass
class AttendanceLine:
    participant_id: int | None
    name: str
    code: str
    status: AttendeeStatus
    sessions: set[int]


def attendance_lines(event: Event) -> list[AttendanceLine]:
    """One line per registered or checked-in person, with the sessions they attended; anonymous
    walk-ins one line each. Three queries whatever the size of the event."""
    lines: dict[int, AttendanceLine] = {}
    registrations = db.session.execute(
        sa.select(
            Registration.participant_id,
            Participant.display_name,
            Registration.ticket_code,
            Registration.status,
        )
        .join(Participant, Participant.id == Registration.participant_id)
        .where(Registration.event_id == event.id)
        .order_by(Participant.display_name, Registration.id)
    )
    for participant_id, name, code, status in registrations:
        lines[participant_id] = AttendanceLine(participant_id, name, code, AttendeeStatus(status), set())
    anonymous = []
    attendances = db.session.execute(
        sa.select(Attendance.participant_id, Attendance.session_id, Participant.display_name, Attendance.id)
        .outerjoin(Participant, Participant.id == Attendance.participant_id)
        .where(Attendance.event_id == event.id)
        .order_by(Attendance.checked_in_at, Attendance.id)
    )
    for participant_id, session_id, name, _attendance_id in attendances:
        if participant_id is None:
            anonymous.append(AttendanceLine(None, "", "", AttendeeStatus.WALK_IN, {session_id}))
            continue
        walk_in = AttendanceLine(participant_id, name, "", AttendeeStatus.WALK_IN, set())
        line = lines.setdefault(participant_id, walk_in)
        line.sessions.add(session_id)
    return list(lines.values()) + anonymous


def event_registrations(event: Event, page: int, per_page: int = 50) -> Page:
    statement = (
        sa.select(Registration)
        .where(Registration.event_id == event.id)
        .join(Registration.participant)
        .options(contains_eager(Registration.participant))
        .order_by(Registration.status, Registration.queued_at, Registration.id)
    )
    return paginate(statement, page, per_page)


def attended_counts(event: Event, participant_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Attendance.participant_id, sa.func.count(Attendance.id))
        .where(Attendance.event_id == event.id, Attendance.participant_id.in_(participant_ids))
        .group_by(Attendance.participant_id)
    )
    return dict(rows.all())


# --- The desk ---------------------------------------------------------------------------------


def card_holders(user, search: str, page: int, per_page: int = 20) -> Page:
    """People known by a card whom `user` serves (app/events/desk_scope.py); found by name, phone
    or card code."""
    statement = desk_scope.scoped_to(
        sa.select(Participant)
        .where(Participant.id.in_(sa.select(ParticipantCard.participant_id)), Participant.erased_at.is_(None))
        .options(selectinload(Participant.cards))
        .order_by(Participant.display_name, Participant.id),
        user,
    )
    if search:
        pattern = _like(search)
        statement = statement.where(
            sa.or_(
                Participant.display_name.ilike(pattern, escape="\\"),
                Participant.phone.like(pattern, escape="\\"),
                Participant.id.in_(
                    sa.select(ParticipantCard.participant_id).where(
                        ParticipantCard.code.ilike(pattern, escape="\\")
                    )
                ),
            )
        )
    return paginate(statement, page, per_page)


def card_holder(user, participant_id: int) -> Participant | None:
    """A card holder `user` serves; None when they do not exist, were erased or are another
    desk's."""
    return db.session.scalar(
        desk_scope.scoped_to(
            sa.select(Participant)
            .where(
                Participant.id == participant_id,
                Participant.erased_at.is_(None),  # deleted: gone
                Participant.cards.any(),
            )
            .options(selectinload(Participant.cards), joinedload(Participant.user)),
            user,
        )
    )


def participant_registrations(participant_id: int, limit: int = 50) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.participant_id == participant_id)
            .join(Registration.event)
            .options(contains_eager(Registration.event))
            .order_by(Event.starts_at.desc())
            .limit(limit)
        )
    )


def upcoming_registrations(participant_id: int, now: datetime, limit: int = 3) -> list[Registration]:
    """What a printed card lists: the person's next events (a seat or a place on the waiting list),
    soonest first, with their municipality for the place and clock."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.participant_id == participant_id,
                Registration.status.in_(ACTIVE),
                Event.ends_at >= now,
                Event.status != EventStatus.CANCELLED,
            )
            .join(Registration.event)
            .options(contains_eager(Registration.event))
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
        )
    )


def open_link_requests(account_id: int) -> list[CardLinkRequest]:
    """The desk's requests waiting for this account holder's answer, newest first."""
    return list(
        db.session.scalars(
            sa.select(CardLinkRequest)
            .where(
                CardLinkRequest.account_id == account_id,
                CardLinkRequest.status == LinkRequestStatus.PENDING,
                CardLinkRequest.expires_at > utcnow(),
            )
            .options(joinedload(CardLinkRequest.municipality))
            .order_by(CardLinkRequest.created_at.desc(), CardLinkRequest.id.desc())
        )
    )


def open_link_request(account_id: int, request_id: int) -> CardLinkRequest | None:
    """One waiting request, only for the account it was sent to (anyone else: None)."""
    return next((r for r in open_link_requests(account_id) if r.id == request_id), None)


def desk_accounts(user, search: str) -> list[User]:
    """Resident accounts matching `search` whose holders `user` serves at the desk."""
    from app.accounts.queries import desk_search

    statement = desk_search(search)
    if statement is None:
        return []
    return list(db.session.scalars(desk_scope.accounts_scoped_to(statement, user)).unique())


def desk_account(user, account_id: int) -> User | None:
    """One account `user` serves at the desk (staff accounts included: the view refuses them with
    403); None when it does not exist or is another desk's."""
    statement = sa.select(User).where(User.id == account_id, User.deleted_at.is_(None))
    return db.session.scalar(desk_scope.accounts_scoped_to(statement, user))


def desk_municipality(user, account: User) -> Municipality | None:
    """The desk a password link is given at, as the account holder is told: the person's home
    municipality when the organiser organises there, else the organiser's first."""
    own_ids = managed_municipality_ids(user)
    if own_ids is None or account.municipality_id in own_ids:
        return account.municipality
    first = sa.select(Municipality).where(Municipality.id.in_(own_ids)).order_by(Municipality.id).limit(1)
    return db.session.scalar(first)


def reminder_deliveries(event) -> dict[str, int]:
    """How the event's reminders fared, by delivery status, in one GROUP BY (the outbox's event and kind
    index): delivered, sent (no receipt yet), failed, and those still waiting."""
    from app.core.models import DeliveryStatus, OutboxMessage
    from app.core.notifications import REMINDER_KIND

    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.event_id == event.id, OutboxMessage.kind == REMINDER_KIND)
        .group_by(OutboxMessage.status)
    ).all()
    counts = dict.fromkeys((DeliveryStatus.DELIVERED, DeliveryStatus.SENT, DeliveryStatus.FAILED), 0)
    waiting = 0
    for status, count in rows:
        if status in counts:
            counts[status] = count
        elif status in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING):
            waiting += count
    return {"delivered": counts[DeliveryStatus.DELIVERED], "sent": counts[DeliveryStatus.SENT],
            "failed": counts[DeliveryStatus.FAILED], "waiting": waiting}
