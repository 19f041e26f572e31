"""Reminders the day before at 18:00 and 2 hours before an event (municipality time).

`queue_due_reminders(now)` runs from the worker loop (or `flask jiwar reminders`, e.g. every few
minutes from a timer). It reads the municipalities' time zones, then ONE statement finds every
confirmed registration due a reminder and records it in `reminder_queued` (primary key: registration
and slot, ON CONFLICT DO NOTHING, so two passes at once queue it once), returning what it inserted;
then one multi-row insert queues the messages. Three statements whatever the number of registrations.

Windows, per time zone, in UTC bounds computed here (no time-zone arithmetic in SQL, so SQLite and
PostgreSQL read the same statement):
- day_before: from 18:00 local, events starting the next local day;
- two_hours: events starting within the next 2 hours, outside quiet hours only. A reminder that would
  fall in quiet hours (an event before 10:00 or from 23:00) is not sent then: the day-before one told.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.accounts.models import Municipality
from app.core.models import OutboxMessage
from app.core.notifications import REMINDER_KIND
from app.events.models import Event, EventStatus, Registration, RegistrationStatus
from app.extensions import db
from app.messages.models import ReminderQueued
from app.messages.quiet import end_of_quiet_hours

DAY_BEFORE, TWO_HOURS = "day_before", "two_hours"
DAY_BEFORE_HOUR = 18
TWO_HOURS_AHEAD = timedelta(hours=2)


@dataclass(frozen=True)
class Window:
    zone: str
    slot: str
    starts_from: datetime  # UTC, included
    starts_until: datetime  # UTC, excluded


def windows(now: datetime, zones: list[str]) -> list[Window]:
    found = []
    for zone in zones:
        tz = ZoneInfo(zone)
        local = now.astimezone(tz)
        if local.hour >= DAY_BEFORE_HOUR:
            tomorrow = local.date() + timedelta(days=1)
            found.append(Window(
                zone, DAY_BEFORE,
                datetime.combine(tomorrow, time(0), tz).astimezone(now.tzinfo),
                datetime.combine(tomorrow + timedelta(days=1), time(0), tz).astimezone(now.tzinfo),
            ))
        if end_of_quiet_hours(now, zone) is None:
            found.append(Window(zone, TWO_HOURS, now, now + TWO_HOURS_AHEAD + timedelta(seconds=1)))
    return found


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(ReminderQueued)


def queue_due_reminders(now: datetime) -> int:
    """Queue every reminder due at `now` not queued yet; commits. Returns how many were queued."""
    zones = sorted(set(db.session.scalars(sa.select(Municipality.timezone).distinct())))
    found = windows(now, zones)
    if not found:
        return 0
    slot = sa.case(
        *[
            (sa.and_(Municipality.timezone == w.zone, Event.starts_at >= w.starts_from,
                     Event.starts_at < w.starts_until), sa.literal(w.slot))
            for w in found if w.slot == DAY_BEFORE
        ],
        else_=sa.literal(TWO_HOURS),
    ) if any(w.slot == DAY_BEFORE for w in found) else sa.literal(TWO_HOURS)
    in_a_window = sa.or_(*[
        sa.and_(Municipality.timezone == w.zone, Event.starts_at >= w.starts_from,
                Event.starts_at < w.starts_until)
        for w in found
    ])
    # One row per registration: when both windows hold (18:00 the day before an event at 00:30),
    # the day-before slot wins (the CASE), and the two-hour one follows in a later pass.
    candidates = (
        sa.select(
            Registration.id, slot.label("slot"), Registration.participant_id, Registration.event_id,
            sa.literal(now, type_=ReminderQueued.queued_at.type).label("queued_at"),
        )
        .join(Event, Event.id == Registration.event_id)
        .join(Municipality, Municipality.id == Event.municipality_id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            in_a_window,
        )
    )
    dialect = db.session.get_bind().dialect.name
    statement = (
        _insert(dialect)
        .from_select(["registration_id", "slot", "participant_id", "event_id", "queued_at"], candidates)
        .on_conflict_do_nothing(index_elements=["registration_id", "slot"])
        .returning(ReminderQueued.participant_id, ReminderQueued.event_id, ReminderQueued.registration_id,
                   ReminderQueued.slot)
    )
    queued = db.session.execute(statement).all()
    if queued:
        db.session.execute(
            sa.insert(OutboxMessage),
            [
                {
                    "participant_id": row.participant_id,
                    "kind": REMINDER_KIND,
                    "event_id": row.event_id,  # organisers count their event's reminders by it
                    "payload": {"event_id": row.event_id, "registration_id": row.registration_id,
                                "slot": row.slot},
                    "created_at": now,
                    # Inside the windows above, never in quiet hours: sent at once.
                    "due_at": now,
                }
                for row in queued
            ],
        )
    db.session.commit()
    current_app.logger.info("reminders queued: %s", len(queued))
    return len(queued)
