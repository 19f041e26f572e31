"""Tables every domain writes to: the audit log and the notification outbox."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

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


class OutboxMessage(db.Model):
    """Notifications waiting for the deployment's channel; the default channel only logs them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Not sent before this moment (quiet hours); None: at once.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DataVersion(db.Model):
    """One row whose token changes in every transaction that writes (app/core/fragments.py): pages
    kept for anonymous visitors are reused only while it is the token they were rendered under."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[int] = mapped_column(sa.BigInteger)
