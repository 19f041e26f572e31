"""Reads about messages, for administrators."""

import sqlalchemy as sa

from app.core.models import DeliveryStatus, OutboxMessage
from app.core.pagination import paginate
from app.extensions import db


def failed_messages(page: int):
    return paginate(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == DeliveryStatus.FAILED)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page,
    )


def failed_message(message_id: int) -> OutboxMessage | None:
    return db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.id == message_id,
                                       OutboxMessage.status == DeliveryStatus.FAILED)
    )


def mask_address(address: str | None) -> str:
    """Enough to recognise it, not enough to use it: a•••@example.org, +212 ••• •• 78."""
    if not address:
        return "—"
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}•••@{domain}"
    return f"{address[:4]}•••{address[-2:]}" if len(address) > 6 else "•••"
