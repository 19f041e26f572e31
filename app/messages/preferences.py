"""Each person's choices about messages: read, saved from their page, an unsubscribe link, a STOP."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.accounts.identifiers import phone_candidates
from app.accounts.models import Municipality, Participant, User
from app.core.audit import record_audit
from app.core.models import DeliveryStatus, OutboxMessage
from app.core.time import utcnow
from app.extensions import db
from app.messages.compose import recipient
from app.messages.kinds import TOPICS
from app.messages.models import Channel, MessagePreference
from app.messages.tokens import read_unsubscribe_token


class PreferenceError(Exception):
    def __init__(self, message: str, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def preference_of(participant_id: int) -> MessagePreference | None:
    return db.session.get(MessagePreference, participant_id)


def _row(participant_id: int) -> MessagePreference:
    row = preference_of(participant_id)
    if row is None:
        row = MessagePreference(participant_id=participant_id, muted_topics=[])
        db.session.add(row)
    return row


def save_preferences(
    user: User, *, channel: str, language: str, topics: list[str], phone_shared: bool
) -> MessagePreference:
    """Everything or nothing: a channel the account cannot use is refused with what to do."""
    if channel not in Channel.CHOICES:
        raise PreferenceError(_("Choose one of the channels offered."), "channel", "channel")
    if channel == Channel.EMAIL and not user.email:
        raise PreferenceError(
            _("Your account has no email address: choose SMS, or no messages."), "no_email", "channel"
        )
    if channel == Channel.SMS and not user.phone:
        raise PreferenceError(
            _("Your account has no phone number: choose email, or no messages."), "no_phone", "channel"
        )
    if language not in current_app.config["LANGUAGES"]:
        raise PreferenceError(_("Choose one of the languages offered."), "language", "language")
    row = _row(user.participant_id)
    row.channel = channel
    row.language = language
    row.muted_topics = sorted(topic for topic in TOPICS if topic not in set(topics))
    if channel == Channel.SMS:
        row.sms_stopped_at = None  # choosing SMS again here undoes an earlier STOP
    user.participant.phone_shared = bool(phone_shared)
    db.session.commit()
    return row


def unsubscribe(token: str) -> str | None:
    """One click: the topic of the message stops at once for this person. Returns the topic, or None
    for a link that is not ours. Idempotent."""
    read = read_unsubscribe_token(token or "")
    if read is None or read[1] not in TOPICS:
        return None
    participant_id, topic = read
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        return None
    row = _row(participant_id)
    if topic not in (row.muted_topics or []):
        row.muted_topics = sorted({*(row.muted_topics or []), topic})
        record_audit("messages.unsubscribed", target=participant, topic=topic)
    db.session.commit()
    return topic


def stop_from_phone(phone: str) -> int:
    """A STOP received by SMS from `phone` (as the gateway gives it, E.164 or local): no more SMS to
    the accounts and card holders with that number, from now on. What is still queued for them and
    would now go nowhere is dropped at once (the rest, e.g. what now goes to their email, or a
    password link, stays). Returns how many people it stopped."""
    regions = tuple(db.session.scalars(sa.select(Municipality.country_code).distinct()))
    numbers = set(phone_candidates(phone or "", regions)) | ({phone.strip()} if phone else set())
    if not numbers:
        return 0
    participant_ids = set(db.session.scalars(sa.select(User.participant_id).where(User.phone.in_(numbers))))
    participant_ids |= set(
        db.session.scalars(sa.select(Participant.id).where(Participant.phone.in_(numbers)))
    )
    now = utcnow()
    for participant_id in sorted(participant_ids):
        row = _row(participant_id)
        if row.sms_stopped_at is None:
            row.sms_stopped_at = now
            if row.channel == Channel.SMS:
                row.channel = None  # the default then goes to their email, if they have one
    if participant_ids:
        record_audit("messages.sms_stopped", people=len(participant_ids))
        _drop_what_goes_nowhere(participant_ids)
    db.session.commit()
    return len(participant_ids)


def _drop_what_goes_nowhere(participant_ids: set[int]) -> None:
    """The queued messages of these people that the worker would no longer send: dropped with the
    reason, as the worker would record them."""
    db.session.flush()
    queued = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.participant_id.in_(participant_ids),
                                       OutboxMessage.status == DeliveryStatus.QUEUED)
    )
    for message in queued:
        if recipient(message) is None:
            message.status = DeliveryStatus.DROPPED
            message.failure_reason = "STOP received from the phone"
