"""The messages' part of a person's data: their message settings, the reminders queued for them, and
the confirmation of a new account."""

import sqlalchemy as sa

from app.accounts.models import AccountConfirmation, User
from app.extensions import db
from app.messages.models import MessagePreference, ReminderQueued
from app.privacy.when import when

EXPORTS = {
    "message_preference.participant_id": "message_settings",
    "reminder_queued.participant_id": "not exported: the reminders are in notifications",
    "account_confirmation.user_id": "account.confirmation_expires_at (never the code or the link)",
}
ERASES = {
    "message_preference.participant_id": "deleted",
    "reminder_queued.participant_id": "deleted",
    "account_confirmation.user_id": "deleted",
}


def export(user: User) -> dict:
    row = db.session.get(MessagePreference, user.participant_id)
    confirmation = db.session.get(AccountConfirmation, user.id)
    return {
        "message_settings": {
            "channel": row.channel if row else None,
            "language": row.language if row else None,
            "topics_turned_off": list(row.muted_topics or []) if row else [],
            "sms_stopped_at": when(row.sms_stopped_at) if row else None,
            "phone_shared": user.participant.phone_shared,
            "account_confirmed_at": when(user.confirmed_at),
            "confirmation_expires_at": when(confirmation.expires_at) if confirmation else None,
        },
    }


def erase(participant_id: int, user_id: int | None) -> None:
    db.session.execute(sa.delete(MessagePreference).where(MessagePreference.participant_id == participant_id))
    db.session.execute(sa.delete(ReminderQueued).where(ReminderQueued.participant_id == participant_id))
    if user_id is not None:
        db.session.execute(sa.delete(AccountConfirmation).where(AccountConfirmation.user_id == user_id))
