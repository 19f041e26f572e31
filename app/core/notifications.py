"""Notifications go to an outbox in the same transaction as the change that causes them.

`flask jiwar worker` (app/messages/worker.py) sends them through the configured channel, so a failing
gateway never rolls back a registration, and a message whose transaction rolled back is never sent.
"""

import logging
from datetime import datetime

from app.core.models import OutboxMessage
from app.extensions import db

log = logging.getLogger("jiwar.notifications")

# The kind of an event's reminders (day before, 2 hours before): its organisers see how many arrived.
REMINDER_KIND = "event_reminder"


def queue_notification(participant_id: int, kind: str, *, due_at: datetime | None = None,
                       **payload) -> OutboxMessage:
    """Queue a message for a participant; `due_at` holds it back until then. Without one, the quiet
    hours watcher (app/messages/quiet.py) may hold it until morning as it is flushed; else it is due
    at once (the column's default)."""
    message = OutboxMessage(
        participant_id=participant_id,
        kind=kind,
        payload=payload,
        event_id=payload.get("event_id"),
        due_at=due_at,
    )
    db.session.add(message)
    log.info("notification queued kind=%s participant=%s", kind, participant_id)
    return message
