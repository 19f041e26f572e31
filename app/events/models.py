"""Events, their dated sessions, registrations with a waiting list, and attendance at the door."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import AgeBand, Gender, Municipality, Participant, new_record_key  # noqa: F401 - AgeBand read here too
from app.core.enums import LabelledEnum
from app.core.time import UTCDateTime, utcnow
from app.core.translated import localized
from app.extensions import db


class EventType(LabelledEnum):
    OPEN_DAY = "open_day"
    AWARENESS = "awareness"
    SEMINAR = "seminar"
    TRAINING = "training"
    WORKSHOP = "workshop"
    INFO_DESK = "info_desk"

    @classmethod
    def _labels(cls):
        return {
            cls.OPEN_DAY: _l("Open day"),
            cls.AWARENESS: _l("Awareness event"),
            cls.SEMINAR: _l("Seminar"),
            cls.TRAINING: _l("Training"),
            cls.WORKSHOP: _l("Workshop"),
            cls.INFO_DESK: _l("Information desk"),
        }


class Audience(LabelledEnum):
    EVERYONE = "everyone"
    WOMEN = "women"
    YOUTH = "youth"
    CHILDREN = "children"
    PROFESSIONALS = "professionals"

    @classmethod
    def _labels(cls):
        return {
            cls.EVERYONE: _l("Everyone"),
            cls.WOMEN: _l("Women"),
            cls.YOUTH: _l("Youth (15-24)"),
            cls.CHILDREN: _l("Children with a guardian"),
            cls.PROFESSIONALS: _l("Municipal and association staff"),
        }


class EventStatus(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {cls.DRAFT: _l("Draft"), cls.PUBLISHED: _l("Published"), cls.CANCELLED: _l("Cancelled")}


class RegistrationStatus(LabelledEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            cls.CONFIRMED: _l("Confirmed"),
            cls.WAITING: _l("On the waiting list"),
            cls.CANCELLED: _l("Cancelled"),
        }

    @property
    def partial(self) -> str:
        """The template of what pages show for this state (its badge, ticket and registration box)."""
        return f"events/registration_states/_{self.value}.html"


class AttendeeStatus(LabelledEnum):
    """Where a person stands for an event once attendance counts too: their registration's status,
    or attended (their events), or a walk-in who never registered (the attendance sheet). Never
    stored; the registration's three labels are reused, so each is written once."""

    CONFIRMED = RegistrationStatus.CONFIRMED.value
    WAITING = RegistrationStatus.WAITING.value
    CANCELLED = RegistrationStatus.CANCELLED.value
    ATTENDED = "attended"
    WALK_IN = "walk_in"

    @classmethod
    def _labels(cls):
        registration = RegistrationStatus._labels()
        return {
            cls.CONFIRMED: registration[RegistrationStatus.CONFIRMED],
            cls.WAITING: registration[RegistrationStatus.WAITING],
            cls.CANCELLED: registration[RegistrationStatus.CANCELLED],
            cls.ATTENDED: _l("Attended"),
            cls.WALK_IN: _l("Walk-in"),
        }

    @property
    def partial(self) -> str:
        return f"events/registration_states/_{self.value}.html"


class AttendanceChannel(LabelledEnum):
    """How a presence was recorded: on a phone at the door, or typed in later from a paper sheet
    (outdoors, no network, no phone to spare). Reports tell them apart."""

    DOOR = "door"
    PAPER = "paper"

    @classmethod
    def _labels(cls):
        return {cls.DOOR: _l("At the door"), cls.PAPER: _l("From a paper sheet")}


class RegistrationWindow(StrEnum):
    """Whether an event takes registrations now, and if not why: the event page and the service that
    refuses say it each in their own words, so it carries no label."""

    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    STARTED = "started"
    PAST = "past"
    CANCELLED = "cancelled"
    DRAFT = "draft"

    @property
    def partial(self) -> str:
        """The template of what the registration box says in this window to someone without a seat."""
        return f"events/registration_windows/_{self.value}.html"

    @property
    def keeps_cancelling(self) -> bool:
        """A person may still cancel a registration (until the event starts)."""
        return self not in (RegistrationWindow.STARTED, RegistrationWindow.PAST, RegistrationWindow.CANCELLED)


class Event(db.Model):
    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("confirmed_count >= 0", name="confirmed_not_negative"),
        sa.Index("ix_event_listing", "status", "starts_at"),
        # The public list keeps events not yet over (ends_at >= now) or over (ends_at < now).
        sa.Index("ix_event_ends_at", "ends_at"),
        # The public list's count (published or cancelled, not yet over) from the index alone.
        sa.Index("ix_event_public_ends_at", "status", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    event_type: Mapped[str] = mapped_column(sa.String(16), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=EventStatus.DRAFT)
    title_fr: Mapped[str | None] = mapped_column(sa.String(200))
    title_ar: Mapped[str | None] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    description_fr: Mapped[str | None] = mapped_column(sa.Text)
    description_ar: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    venue_fr: Mapped[str | None] = mapped_column(sa.String(200))
    venue_ar: Mapped[str | None] = mapped_column(sa.String(200))
    venue_en: Mapped[str | None] = mapped_column(sa.String(200))
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Languages spoken, CLDR codes ("fr,ar,ary,wo"): any language, named in the reader's.
    languages: Mapped[str] = mapped_column(sa.String(200), default="fr")
    audience: Mapped[str] = mapped_column(sa.String(16), default=Audience.EVERYONE)
    # Outdoor days where names are never taken: the door shows only the walk-in tally.
    headcount_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # First session start and last session end, kept by the services for listing and filtering.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Maintained under the event's row lock by the registration services.
    confirmed_count: Mapped[int] = mapped_column(default=0)
    waiting_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: a second organiser saving a stale form is refused.
    version: Mapped[int] = mapped_column(default=1)

    # The services bump the version themselves on an organiser's edit, so that registrations
    # (which update the counters under the row lock) never make an open edit form stale.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", order_by="EventSession.starts_at", cascade="all, delete-orphan"
    )
    rules: Mapped[list[SessionRule]] = relationship(
        back_populates="event", order_by="SessionRule.starts_on", cascade="all, delete-orphan"
    )

    def title(self, locale: str) -> str:
        """The title in `locale`, else the first language written (pages mark that fallback with
        the `_macros/translated.html` macro; texts without markup, like a calendar file, take it so)."""
        return localized(self, "title", locale).text

    def description(self, locale: str) -> str:
        return localized(self, "description", locale).text

    def venue(self, locale: str) -> str:
        """Where it takes place, as `title`: pages mark a fallback, the calendar file and messages
        take it as it is."""
        return localized(self, "venue", locale).text

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed_count, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == EventStatus.DRAFT

    @property
    def timezone(self) -> str:
        return self.municipality.timezone

    @property
    def language_list(self) -> list[str]:
        return [code for code in (self.languages or "").split(",") if code]

    def door_receipts_kept(self, now: datetime, days: int) -> bool:
        """Whether the door still knows the ids of the entries phones sent for this event: they are
        purged `days` after its last session ended (app/privacy/retention.py)."""
        return self.ends_at >= now - timedelta(days=days)

    @property
    def effective_closes_at(self) -> datetime:
        """Registration closes at the stated time, or when the first session starts."""
        return self.registration_closes_at or self.starts_at

    def registration_state(self, now: datetime) -> RegistrationWindow:
        if self.status == EventStatus.CANCELLED:
            return RegistrationWindow.CANCELLED
        if self.status != EventStatus.PUBLISHED:
            return RegistrationWindow.DRAFT
        if self.ends_at <= now:
            return RegistrationWindow.PAST
        if self.starts_at <= now:
            return RegistrationWindow.STARTED
        if self.registration_opens_at and now < self.registration_opens_at:
            return RegistrationWindow.NOT_YET_OPEN
        if now >= self.effective_closes_at:
            return RegistrationWindow.CLOSED
        return RegistrationWindow.OPEN


class SessionRule(db.Model):
    """A repeating rule ("every Wednesday 10:00-13:00 from 7 Jan until 31 Mar, except 18 Feb"), kept
    as an RFC 5545 RRULE on the municipality's clock, with its occurrences materialised as sessions
    (app/events/recurrence.py). An occurrence changed on its own leaves the rule (its date becomes an
    excluded date); "this and all that follow" splits the rule in two."""

    __tablename__ = "session_rule"
    __table_args__ = (sa.CheckConstraint("end_time > start_time", name="rule_ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # FREQ, BYDAY, UNTIL (local, floating) or COUNT; DTSTART is starts_on at start_time.
    rrule: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    start_time: Mapped[time] = mapped_column(sa.Time)
    end_time: Mapped[time] = mapped_column(sa.Time)
    excluded_dates: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # "2027-02-18,..."
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="rules")

    @property
    def excluded(self) -> list[date]:
        return [date.fromisoformat(day) for day in (self.excluded_dates or "").split(",") if day]

    @excluded.setter
    def excluded(self, days) -> None:
        self.excluded_dates = ",".join(day.isoformat() for day in sorted(set(days)))


class EventSession(db.Model):
    """One dated sitting of an event: a training of eight days has eight."""

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The rule this session is an occurrence of; None for a session typed on its own (or moved
    # out of its rule).
    rule_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("session_rule.id", ondelete="SET NULL"), index=True
    )

    event: Mapped[Event] = relationship(back_populates="sessions")
    rule: Mapped[SessionRule | None] = relationship()

    @property
    def position(self) -> int:
        return self.event.sessions.index(self) + 1


class Registration(db.Model):
    __table_args__ = (
        sa.UniqueConstraint("event_id", "participant_id"),
        sa.Index("ix_registration_queue", "event_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12))
    ticket_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    # Waiting-list order: the time the person (re)joined, ties broken by id.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    participant: Mapped[Participant] = relationship()

    @property
    def state(self) -> RegistrationStatus:
        return RegistrationStatus(self.status)

    @property
    def is_active(self) -> bool:
        return self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


class Attendance(db.Model):
    """Presence at one session. Anonymous walk-ins have no participant and carry their own
    gender, age band and origin, so they count as attendances but never as distinct people."""

    __table_args__ = (
        sa.UniqueConstraint("session_id", "participant_id"),
        sa.Index("ix_attendance_event_participant", "event_id", "participant_id"),
        # Reports count the few presences typed in from paper by this index, not by a scan.
        sa.Index("ix_attendance_channel_event", "channel", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("event_session.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("participant.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id", ondelete="SET NULL"))
    is_walk_in: Mapped[bool] = mapped_column(default=False)
    anonymous_gender: Mapped[str | None] = mapped_column(sa.String(12))
    anonymous_age_band: Mapped[str | None] = mapped_column(sa.String(8))
    anonymous_origin: Mapped[str | None] = mapped_column(sa.String(12))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(
        sa.String(8), default=AttendanceChannel.DOOR, server_default=AttendanceChannel.DOOR.value
    )
    # An anonymous walk-in is counted by this key in the reports' cell keys (app/reports/cellkey.py);
    # a registered person's attendances by their participant's key.
    record_key: Mapped[int] = mapped_column(sa.SmallInteger, default=new_record_key, server_default="0")

    session: Mapped[EventSession] = relationship()
    participant: Mapped[Participant | None] = relationship()

    @property
    def tally_group(self) -> TallyGroup | None:
        """The door tally's button this anonymous walk-in counts under (None: gender not given)."""
        if self.participant_id is not None or self.anonymous_gender not in (Gender.WOMAN, Gender.MAN):
            return None
        child = self.anonymous_age_band == AgeBand.CHILD
        if self.anonymous_gender == Gender.WOMAN:
            return TallyGroup.GIRLS if child else TallyGroup.WOMEN
        return TallyGroup.BOYS if child else TallyGroup.MEN


class TallyGroup(LabelledEnum):
    """The tally's buttons. Girls and boys are the "Under 15" age band; for women and men the door
    does not ask an age, so their band stays unrecorded (reports show it as not recorded)."""

    WOMEN = "women"
    MEN = "men"
    GIRLS = "girls"
    BOYS = "boys"

    @classmethod
    def _labels(cls):
        return {cls.WOMEN: _l("Women"), cls.MEN: _l("Men"), cls.GIRLS: _l("Girls"), cls.BOYS: _l("Boys")}

    @property
    def gender(self) -> str:
        return Gender.WOMAN if self in (TallyGroup.WOMEN, TallyGroup.GIRLS) else Gender.MAN

    @property
    def age_band(self) -> str | None:
        return AgeBand.CHILD if self in (TallyGroup.GIRLS, TallyGroup.BOYS) else None


class DoorReceipt(db.Model):
    """A check-in or walk-in the door accepted, by the id the phone gave it. A phone that kept its
    entries offline may send them twice (the answer lost on the way back, a queue replayed): the
    second time the id is found here and nothing changes. Kept until JIWAR_DOOR_RECEIPT_DAYS after
    the event ended, then purged by the daily retention pass (app/privacy/retention.py). It names
    nobody: an id made at random on the phone, the session and the time."""

    __tablename__ = "door_receipt"

    client_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("event_session.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaperSheet(db.Model):
    """A session's printed attendance sheet, once typed back in: one per session, so the same paper
    typed in twice (two organisers, or one who forgot) is refused instead of counting people twice."""

    __tablename__ = "paper_sheet"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"), unique=True
    )
    typed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    typed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ticked: Mapped[int] = mapped_column(default=0)  # presences recorded from the ticks
    walk_ins: Mapped[int] = mapped_column(default=0)  # from the blank rows and the tallies


class AttendanceTally(db.Model):
    """How many sessions of an event each registered person attended: one narrow row per person and
    event, kept equal to the attendance rows in the same transaction (app/events/tally.py). Reports
    count from it instead of every attendance; `flask jiwar rebuild-rollups` recomputes it."""

    __tablename__ = "attendance_tally"

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    sessions: Mapped[int] = mapped_column(default=0, server_default="0")

    # One event's report (or a cascade delete) reads by event, covering what the reports need.
    __table_args__ = (sa.Index("ix_attendance_tally_event", "event_id", "participant_id", "sessions"),)


class CardLinkRequest(db.Model):
    """A desk's request to link a participant card to an account, waiting for the account holder.

    Nothing moves until the account holder confirms; a declined or expired request changes nothing.
    One request is pending per card holder: a new one replaces the older (the organiser may have
    typed the wrong address)."""

    __tablename__ = "card_link_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_holder_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")  # see LinkRequestStatus
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    card_holder: Mapped[Participant] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == LinkRequestStatus.PENDING and self.expires_at > utcnow()


class LinkRequestStatus:
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    REPLACED = "replaced"

