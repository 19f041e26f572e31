"""Each person's choices about messages, and the reminders already queued."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.time import UTCDateTime, utcnow
from app.extensions import db


class Channel:
    EMAIL = "email"
    SMS = "sms"
    NONE = "none"
    CHOICES = (EMAIL, SMS, NONE)


class MessagePreference(db.Model):
    """A person's channel, language and topics; no row means the defaults (their email, else their
    phone; their language; every topic)."""

    __tablename__ = "message_preference"

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str | None] = mapped_column(sa.String(8))  # Channel; None: the default
    language: Mapped[str | None] = mapped_column(sa.String(5))  # None: the account's language
    muted_topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    # A STOP answered by SMS: no SMS at all from then on (the person may choose SMS again here).
    sms_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReminderQueued(db.Model):
    """One row per reminder queued: the primary key makes two passes at once queue it once."""

    __tablename__ = "reminder_queued"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[str] = mapped_column(sa.String(12), primary_key=True)  # "day_before" | "two_hours"
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
