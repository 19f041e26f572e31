"""People's choices about their messages. Minimal version: a STOP reply from a phone is recorded and
honoured at once by dropping what is still queued for it; the preferences themselves replace it."""

import logging

import sqlalchemy as sa

from app.core.models import DeliveryStatus, OutboxMessage
from app.extensions import db

log = logging.getLogger("jiwar.messages")


def stop_from_phone(phone: str) -> int:
    """The person at this phone replied STOP: nothing queued for them goes any more. Returns how many
    queued messages were dropped. The caller commits."""
    from app.accounts.models import Participant, User

    participants = sa.union(
        sa.select(User.participant_id).where(User.phone == phone),
        sa.select(Participant.id).where(Participant.phone == phone),
    )
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.participant_id.in_(participants),
               OutboxMessage.status == DeliveryStatus.QUEUED)
        .values(status=DeliveryStatus.DROPPED, failure_reason="STOP received from the phone")
        .execution_options(synchronize_session=False)
    )
    log.info("STOP received: %s queued messages dropped", result.rowcount)
    return result.rowcount
