"""Every read of the events domain that lists or counts, already scoped to what the person may see
(the door's are in door_queries.py).

Each page runs a fixed number of queries whatever the data: relationships a page shows are loaded
eagerly, counts come from the maintained counters or one GROUP BY.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from app.accounts.models import Municipality, Participant, ParticipantCard, Role, User
from app.accounts.municipalities import municipalities_for
from app.core.dates import in_range
from app.core.languages import normalise
from app.core.pagination import Page, paginate
from app.core.time import utcnow
from app.events import desk_scope
from app.events.models import (
    Attendance,
    AttendeeStatus,
    CardLinkRequest,
    Event,
    EventSession,
    EventStatus,
    EventType,
    LinkRequestStatus,
    Registration,
    RegistrationStatus,
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
        statement = statement.where(
            sa.or_(
                *(
                    getattr(Event, f"{kind}_{code}").icontains(filters.q, autoescape=True)
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
        statement = statement.where(
            sa.or_(
                Participant.display_name.icontains(search, autoescape=True),
                Participant.phone.contains(search, autoescape=True),
                Participant.id.in_(
                    sa.select(ParticipantCard.participant_id).where(
                        ParticipantCard.code.icontains(search, autoescape=True)
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
