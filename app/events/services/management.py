"""What organisers do with events: create, edit (optimistic lock), publish, cancel, duplicate."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import Municipality
from app.core.audit import record_audit
from app.core.models import AuditEntry
from app.core.notifications import queue_notification
from app.core.time import utcnow
from app.core.translated import as_texts
from app.events.errors import EventError, StaleEventError
from app.events.models import Attendance, Event, EventSession, EventStatus, Registration, RegistrationStatus
from app.events.permissions import can_manage_municipality
from app.events.recurrence import RuleSpec
from app.events.services.locking import lock_event, rolls_back_on_refusal
from app.events.services.recurrence import attach_rule, checked_days
from app.events.services.registration import promote_waiting
from app.extensions import db
from app.programmes.covers import programme_covering

LOCALES = ("fr", "ar", "en")


@dataclass
class SessionData:
    day: date
    starts: time
    ends: time
    id: int | None = None


@dataclass
class EventData:
    """What the event form carries, times as the organiser typed them (the municipality's clock)."""

    municipality_id: int
    event_type: str
    venues: dict[str, str]
    titles: dict[str, str]
    descriptions: dict[str, str]
    sessions: list[SessionData]
    capacity: int | None = None
    registration_opens_at: datetime | None = None  # naive, local
    registration_closes_at: datetime | None = None  # naive, local
    languages: list[str] = field(default_factory=lambda: ["fr"])
    audience: str = "everyone"
    programme_id: int | None = None
    headcount_only: bool = False  # the door takes no names, only the tally (app/events/views/door.py)


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=zone)


def _validated(actor, data: EventData, event: Event | None = None):
    """Check every rule before anything is written; returns the municipality and UTC times."""
    if not can_manage_municipality(actor, data.municipality_id):
        raise EventError(
            _("You can only run events in the municipalities you organise for."),
            "municipality_forbidden",
            field="municipality_id",
            status=403,
        )
    municipality = db.session.get(Municipality, data.municipality_id)
    if municipality is None:
        raise EventError(_("Choose a municipality."), "municipality_missing", field="municipality_id")
    if not any((data.titles.get(code) or "").strip() for code in LOCALES):
        raise EventError(
            _("Give the event a title in at least one language."), "title_missing", field="title_fr"
        )
    if not any((data.venues.get(code) or "").strip() for code in LOCALES):
        raise EventError(_("Say where the event takes place."), "venue_missing", field="venue_fr")
    # Sessions of a repeating rule are changed through the rule (app/events/services/recurrence.py);
    # the form carries only the sessions typed on their own.
    repeating = [s for s in event.sessions if s.rule_id is not None] if event is not None else []
    if not data.sessions and not repeating:
        raise EventError(
            _("Add at least one session with its date and times."), "no_session", field="sessions"
        )
    zone = ZoneInfo(municipality.timezone)
    times = []
    for session in data.sessions:
        starts = datetime.combine(session.day, session.starts, tzinfo=zone)
        ends = datetime.combine(session.day, session.ends, tzinfo=zone)
        if ends <= starts:
            raise EventError(_("A session must end after it starts."), "end_before_start", field="sessions")
        times.append((session, starts, ends))
    if data.capacity is not None and data.capacity <= 0:
        raise EventError(
            _("The capacity must be a whole number above zero, or left empty for no limit."),
            "capacity_not_positive",
            field="capacity",
        )
    if event is not None and data.capacity is not None and data.capacity < event.confirmed_count:
        raise EventError(
            _(
                "%(count)s people are already confirmed: the capacity cannot be lower.",
                count=event.confirmed_count,
            ),
            "capacity_below_confirmed",
            field="capacity",
        )
    event_starts = min([starts for _s, starts, _e in times] + [s.starts_at for s in repeating])
    event_ends = max([ends for _s, _st, ends in times] + [s.ends_at for s in repeating])
    opens = _aware(data.registration_opens_at, zone)
    closes = _aware(data.registration_closes_at, zone)
    if closes is not None and closes > event_ends:
        raise EventError(
            _("Registration must close before the event ends."),
            "closes_after_event",
            field="registration_closes_at",
        )
    if opens is not None and opens >= (closes or event_starts):
        raise EventError(
            _("Registration must open before it closes and before the event starts."),
            "opens_after_close",
            field="registration_opens_at",
        )
    if data.programme_id is not None and programme_covering(data.programme_id, municipality.id) is None:
        raise EventError(
            _("This programme does not cover the event's municipality."),
            "programme_mismatch",
            field="programme_id",
        )
    if not data.languages:
        raise EventError(_("Say which languages will be spoken."), "no_language", field="languages")
    return municipality, times, event_starts, event_ends, opens, closes


def _apply(event: Event, data: EventData, municipality, times, starts, ends, opens, closes) -> None:
    event.municipality = municipality
    event.municipality_id = municipality.id
    event.programme_id = data.programme_id
    event.event_type = data.event_type
    for code in LOCALES:
        setattr(event, f"venue_{code}", (data.venues.get(code) or "").strip() or None)
        setattr(event, f"title_{code}", (data.titles.get(code) or "").strip() or None)
        setattr(event, f"description_{code}", (data.descriptions.get(code) or "").strip() or None)
    event.capacity = data.capacity
    event.registration_opens_at = opens
    event.registration_closes_at = closes
    event.languages = ",".join(data.languages)
    event.audience = data.audience
    event.headcount_only = data.headcount_only
    event.starts_at = starts
    event.ends_at = ends

    existing = {session.id: session for session in event.sessions if session.rule_id is None}
    kept = [session for session in event.sessions if session.rule_id is not None]
    for session_data, session_starts, session_ends in times:
        session = existing.pop(session_data.id, None) if session_data.id else None
        if session is None:
            session = EventSession(starts_at=session_starts, ends_at=session_ends)
        session.starts_at, session.ends_at = session_starts, session_ends
        kept.append(session)
    removed = [session.id for session in existing.values() if session.id]
    if removed and db.session.scalar(
        sa.select(sa.func.count()).select_from(Attendance).where(Attendance.session_id.in_(removed))
    ):
        raise EventError(
            _("A session where people were checked in cannot be removed."),
            "session_has_attendance",
            field="sessions",
        )
    event.sessions = sorted(kept, key=lambda s: s.starts_at)


def _time_and_place(event: Event) -> tuple:
    """What registered people are told about when it changes: the times and the venue."""
    return (event.starts_at, event.ends_at, *(getattr(event, f"venue_{code}") for code in LOCALES),
            tuple((session.starts_at, session.ends_at) for session in event.sessions))


def _tell_registered(event: Event, kind: str, **payload) -> int:
    """Queue `kind` for everyone registered (confirmed or waiting), in the caller's transaction."""
    participant_ids = list(db.session.scalars(
        sa.select(Registration.participant_id).where(
            Registration.event_id == event.id,
            Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)),
        ).order_by(Registration.id)
    ))
    for participant_id in participant_ids:
        queue_notification(participant_id, kind, event_id=event.id, **payload)
    return len(participant_ids)


@rolls_back_on_refusal
def create_event(actor, data: EventData, rule: RuleSpec | None = None) -> Event:
    """A draft event; with a `rule`, its sessions are the rule's days (besides any typed ones), kept
    as a repeating rule. A bad rule or event writes nothing."""
    if rule is not None:
        days = checked_days(rule)
        ruled = [SessionData(day, rule.start_time, rule.end_time) for day in days]
        data = replace(data, sessions=[*data.sessions, *ruled])
    checked = _validated(actor, data)
    event = Event(status=EventStatus.DRAFT, created_by_id=actor.id, version=1)
    _apply(event, data, *checked)
    db.session.add(event)
    db.session.flush()
    if rule is not None:
        attach_rule(event, rule)
    record_audit("event.created", actor, event)
    db.session.commit()
    return event


@rolls_back_on_refusal
def update_event(actor, event_id: int, data: EventData, expected_version: int) -> Event:
    """Refused when someone saved the event after this form was opened: nothing is lost, the
    view shows the form again with what was typed."""
    event = lock_event(event_id)
    if event is None:
        raise EventError(_("This event does not exist."), "not_found", status=404)
    if event.version != expected_version:
        db.session.rollback()
        raise StaleEventError(
            _(
                "Someone else saved this event while you were editing it. Your changes are not saved "
                "yet: check them against the current version below and save again."
            ),
            "stale",
            status=409,
        )
    checked = _validated(actor, data, event)
    before = _time_and_place(event)
    was_headcount_only = event.headcount_only
    _apply(event, data, *checked)
    event.version += 1
    db.session.flush()
    promote_waiting(event)  # a larger capacity gives seats to the waiting list at once
    if event.is_published and _time_and_place(event) != before:
        _tell_registered(event, "event_changed")
    record_audit("event.updated", actor, event)
    if event.headcount_only != was_headcount_only:  # the same entry as the door's own switch
        record_audit("event.headcount_only", actor, event, headcount_only=event.headcount_only)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleEventError(
            _("Someone else saved this event while you were editing it. Please save again."),
            "stale",
            status=409,
        ) from None
    return event


@rolls_back_on_refusal
def publish_event(actor, event_id: int) -> Event:
    event = lock_event(event_id)
    if event is None:
        raise EventError(_("This event does not exist."), "not_found", status=404)
    if event.is_cancelled:
        raise EventError(_("A cancelled event cannot be published again; duplicate it instead."), "cancelled")
    if event.is_published:
        raise EventError(_("This event is already published."), "already_published")
    event.status = EventStatus.PUBLISHED
    event.version += 1
    record_audit("event.published", actor, event)
    db.session.commit()
    return event


@rolls_back_on_refusal
def cancel_event(actor, event_id: int) -> Event:
    """Registrations stay as they were (people see the event cancelled); everyone is told."""
    event = lock_event(event_id)
    if event is None:
        raise EventError(_("This event does not exist."), "not_found", status=404)
    if event.is_cancelled:
        raise EventError(_("This event is already cancelled."), "already_cancelled")
    event.status = EventStatus.CANCELLED
    event.version += 1
    _tell_registered(event, "event_cancelled")
    record_audit("event.cancelled", actor, event)
    db.session.commit()
    return event


@rolls_back_on_refusal
def duplicate_event(actor, event_id: int) -> Event:
    """A draft copy with the same texts, place and sessions and no registrations, to edit."""
    source = db.session.get(Event, event_id)
    if source is None:
        raise EventError(_("This event does not exist."), "not_found", status=404)
    copy = Event(status=EventStatus.DRAFT, created_by_id=actor.id, version=1)
    for column in (
        "municipality_id",
        "programme_id",
        "event_type",
        "capacity",
        "languages",
        "audience",
        "headcount_only",
        "registration_opens_at",
        "registration_closes_at",
        "starts_at",
        "ends_at",
        *(f"{kind}_{code}" for kind in ("title", "description", "venue") for code in LOCALES),
    ):
        setattr(copy, column, getattr(source, column))
    copy.sessions = [EventSession(starts_at=s.starts_at, ends_at=s.ends_at) for s in source.sessions]
    db.session.add(copy)
    db.session.flush()
    record_audit("event.duplicated", actor, copy, source_id=source.id)
    db.session.commit()
    return copy


MESSAGE_MAX_LENGTH = 300


def organiser_message_texts(values: str | dict[str, str] | None) -> dict[str, str]:
    """The message's texts by language as they will go ({"fr": ..., "ar": ...}, only the languages
    written): spaces and line breaks folded, since an SMS has no layout. A single text (a script, an
    older caller) is taken to be in its original language."""
    folded = {code: " ".join(text.split()) for code, text in as_texts(values).items()}
    return {code: text for code, text in folded.items() if text}


def organiser_message_problem(event: Event, texts: dict[str, str], now) -> EventError | None:
    """Why this message cannot go (written in no language, a language's text too long, the day's limit
    reached), or None. `texts` is what `organiser_message_texts` gives; the error's field is the
    form's field it belongs to."""
    if not texts:
        return EventError(_("Write the message in at least one language."), "empty", field="text_fr")
    for code, text in texts.items():
        if len(text) > MESSAGE_MAX_LENGTH:
            return EventError(
                _("Keep the message within %(count)s characters (it goes by SMS too).",
                  count=MESSAGE_MAX_LENGTH),
                "too_long", field=f"text_{code}",
            )
    limit = current_app.config["JIWAR_ORGANISER_MESSAGES_PER_DAY"]
    sent_today = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "event.message_sent",
            AuditEntry.target_type == "Event",
            AuditEntry.target_id == event.id,
            AuditEntry.at > now - timedelta(days=1),
        )
    )
    if sent_today >= limit:
        return EventError(
            _("This event's people already received %(count)s messages in the last 24 hours: wait before "
              "sending another.", count=limit),
            "too_many",
        )
    return None


@rolls_back_on_refusal
def send_organiser_message(actor, event_id: int, texts: str | dict[str, str]) -> int:
    """A message from the organisers to everyone registered (confirmed or waiting), in up to three
    languages (each person reads theirs, else the first written), audited (its languages, the longest
    text's length and the number of people, not the texts). Returns how many people it was queued for."""
    event = lock_event(event_id)
    if event is None:
        raise EventError(_("This event does not exist."), "not_found", status=404)
    texts = organiser_message_texts(texts)
    problem = organiser_message_problem(event, texts, utcnow())
    if problem is not None:
        raise problem
    count = _tell_registered(event, "organiser_message", texts=texts)
    record_audit("event.message_sent", actor, event, people=count, languages=list(texts),
                 length=max(len(text) for text in texts.values()))
    db.session.commit()
    return count
