"""Quiet hours: a message queued between 21:00 and 08:00 (the person's municipality time) waits until
08:00, except codes and password links. `due_at` is set as the message is queued, in the same flush,
by a watcher `create_app` connects: the domains that queue keep calling core's queue_notification."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.accounts.models import Municipality, ParticipantCard, User
from app.core.models import OutboxMessage
from app.core.time import utcnow
from app.events.models import Event
from app.messages.kinds import ALWAYS_SENT


def end_of_quiet_hours(now: datetime, zone: str, quiet: tuple[int, int] | None = None) -> datetime | None:
    """When a message queued at `now` may go: None when not within quiet hours."""
    start, end = quiet or current_app.config["JIWAR_QUIET_HOURS"]
    local = now.astimezone(ZoneInfo(zone))
    hour = local.hour
    within = (hour >= start or hour < end) if start > end else (start <= hour < end)
    if not within:
        return None
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end), ZoneInfo(zone)).astimezone(now.tzinfo)


def _loaded(session: Session, model, key: int):
    """The row if this session holds it already, without asking the database."""
    return session.identity_map.get(sa.inspect(model).identity_key_from_primary_key((key,)))


def _zone_of(session: Session, message: OutboxMessage, known: dict) -> str:
    """The municipality of the message (an event's), else the person's, else their card's desk.
    `known` keeps what one flush already read: an event cancelled for 500 people reads its
    municipality's time zone once, not 500 times."""
    payload = message.payload or {}
    municipality_id = payload.get("municipality_id")
    if municipality_id is None and payload.get("event_id"):
        key = ("event", payload["event_id"])
        if key not in known:
            # The event is often in this session already (a registration's, read under the event's
            # lock): read it there rather than ask the database again while the lock is held.
            loaded = _loaded(session, Event, payload["event_id"])
            known[key] = (
                loaded.municipality_id
                if loaded is not None
                else session.scalar(sa.select(Event.municipality_id).where(Event.id == payload["event_id"]))
            )
        municipality_id = known[key]
    if municipality_id is None:
        municipality_id = session.scalar(
            sa.select(User.municipality_id).where(User.participant_id == message.participant_id)
        ) or session.scalar(
            sa.select(ParticipantCard.municipality_id)
            .where(ParticipantCard.participant_id == message.participant_id)
            .order_by(ParticipantCard.issued_at.desc())
            .limit(1)
        )
    zone = None
    if municipality_id is not None:
        key = ("zone", municipality_id)
        if key not in known:
            loaded = _loaded(session, Municipality, municipality_id)
            known[key] = (
                loaded.timezone
                if loaded is not None
                else session.scalar(
                    sa.select(Municipality.timezone).where(Municipality.id == municipality_id)
                )
            )
        zone = known[key]
    return zone or current_app.config["JIWAR_MESSAGES_TIMEZONE"]


def _hold_in_quiet_hours(session: Session, _context, _instances) -> None:
    new = [
        instance
        for instance in session.new
        if isinstance(instance, OutboxMessage)
        and instance.due_at is None
        and instance.kind not in ALWAYS_SENT
    ]
    if not new:
        return
    now = utcnow()
    known: dict = {}
    with session.no_autoflush:
        for message in new:
            message.due_at = end_of_quiet_hours(now, _zone_of(session, message, known))


def watch_quiet_hours() -> None:
    """Called once by `create_app` (idempotent)."""
    if not event.contains(Session, "before_flush", _hold_in_quiet_hours):
        event.listen(Session, "before_flush", _hold_in_quiet_hours)
