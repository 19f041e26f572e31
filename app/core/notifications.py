"""Notifications go to an outbox in the same transaction as the change that causes them.

The default channel is the log (JIWAR_NOTIFICATION_CHANNEL=log); a deployment with SMS or email
drains the outbox with its own sender, so a failing gateway never rolls back a registration.
"""

import logging

from app.core.models import OutboxMessage
from app.extensions import db

log = logging.getLogger("jiwar.notifications")


def queue_notification(participant_id: int, kind: str, **payload) -> OutboxMessage:
    message = OutboxMessage(participant_id=participant_id, kind=kind, payload=payload)
    db.session.add(message)
    log.info("notification queued kind=%s participant=%s", kind, participant_id)
    return message
