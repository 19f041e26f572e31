"""Every write about a message after it was queued: gateways' receipts, replies, administrators' resends."""

from __future__ import annotations

import sqlalchemy as sa

from app.core.audit import record_audit
from app.core.models import DeliveryStatus, OutboxMessage, new_idempotency_key
from app.core.time import utcnow
from app.extensions import db
from app.messages.preferences import stop_from_phone

# Receipts move a message forward only: a late "sent" never undoes "delivered" or "failed".
FROM_STATES = {
    DeliveryStatus.SENT: (DeliveryStatus.SENDING,),
    DeliveryStatus.DELIVERED: (DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.FAILED),
    DeliveryStatus.FAILED: (DeliveryStatus.SENDING, DeliveryStatus.SENT),
}
STOP_WORDS = {"STOP", "ARRET", "ARRÊT", "STOPALL", "UNSUBSCRIBE", "توقف", "قف"}


def record_receipt(channel: str, provider_message_id: str, status: DeliveryStatus,
                   reason: str | None = None) -> int:
    """A gateway says what became of a message it took; returns how many rows changed (0 for an id we
    never sent, or a receipt arriving after a later one)."""
    values: dict = {"status": status}
    if status == DeliveryStatus.DELIVERED:
        values["delivered_at"] = utcnow()
    if status == DeliveryStatus.FAILED:
        values["failure_reason"] = (reason or "the gateway reported a failure")[:500]
    changed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.provider_message_id == provider_message_id,
               OutboxMessage.status.in_(FROM_STATES[status]))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return changed


def is_stop(text: str) -> bool:
    words = (text or "").strip().upper().split()
    return bool(words) and words[0].strip(".!") in STOP_WORDS


def record_reply(phone: str, text: str) -> bool:
    """A reply came in from a phone: STOP (in French, Arabic or English) ends its messages at once."""
    if not is_stop(text):
        return False
    stop_from_phone(phone)
    db.session.commit()
    return True


def resend_message(actor, message: OutboxMessage) -> None:
    """An administrator sends a failed message again: queued now, attempts from zero, a new
    idempotency key (the gateway remembers the old one as failed)."""
    if message.status != DeliveryStatus.FAILED:
        return
    message.status = DeliveryStatus.QUEUED
    message.attempts = 0
    message.due_at = utcnow()
    message.next_attempt_at = None
    message.failure_reason = None
    message.provider_message_id = None
    message.idempotency_key = new_idempotency_key()
    record_audit("message.resent", actor=actor, target=message, kind=message.kind, channel=message.channel)
    db.session.commit()
