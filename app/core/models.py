"""Tables every domain writes to: the audit log and the notification outbox."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.core.enums import LabelledEnum
from app.core.time import UTCDateTime, utcnow
from app.extensions import db


class AuditEntry(db.Model):
    """Who did what: role changes, personal-data exports, exact-figure views, moderation, review."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class DeliveryStatus(LabelledEnum):
    """Where a message stands: queued (waiting for its time or its next attempt), sending (claimed by a
    worker), sent (the channel took it), delivered (the gateway's receipt says so), failed (for good,
    with its reason), dropped (nothing to send: no channel, or the person opted out)."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    DROPPED = "dropped"

    @classmethod
    def _labels(cls):
        return {
            cls.QUEUED: _l("Queued"),
            cls.SENDING: _l("Sending"),
            cls.SENT: _l("Sent"),
            cls.DELIVERED: _l("Delivered"),
            cls.FAILED: _l("Failed"),
            cls.DROPPED: _l("Not sent"),
        }


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


class OutboxMessage(db.Model):
    """A notification, written in the same transaction as the change that causes it, then sent by
    `flask jiwar worker` (app/messages/worker.py) through the channel its composition names."""

    __table_args__ = (
        # The worker's claim: queued rows whose time has come, and sending rows whose lease ran out.
        sa.Index("ix_outbox_message_claim", "status", "due_at"),
        sa.Index("ix_outbox_message_event_kind", "event_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The event the message is about, when there is one (its organisers count delivered reminders).
    # No foreign key: core knows no domain, and a message outlives nothing it names.
    event_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(10), default=DeliveryStatus.QUEUED,
                                        server_default=DeliveryStatus.QUEUED.value)
    # The earliest moment it may go (later than created_at for quiet hours and reminders).
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # after a failed attempt
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the claim's lease
    channel: Mapped[str | None] = mapped_column(sa.String(10))  # email, sms, log: set when composed
    address: Mapped[str | None] = mapped_column(sa.String(254))  # where it went (shown masked)
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    failure_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Made at queue time; passed to gateways that accept one, so a send repeated after a crash is
    # recognised as the same message.
    idempotency_key: Mapped[str] = mapped_column(sa.String(36), unique=True, default=new_idempotency_key)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def state(self) -> DeliveryStatus:
        return DeliveryStatus(self.status)
