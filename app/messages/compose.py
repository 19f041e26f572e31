"""What one outbox row says, to whom and by which channel.

A minimal version: the message kinds' own texts, preferences and quiet hours replace it. The worker
relies only on `compose(message) -> Composed | None` and the `Composed` fields below."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.models import OutboxMessage
from app.extensions import db


@dataclass(frozen=True)
class Composed:
    channel: str                 # "email" | "sms" | "log"
    address: str                 # email address or phone number in E.164 (+212...)
    subject: str                 # email subject ("" for SMS)
    text: str                    # plain text body (email text part, or the SMS text)
    html: str | None = None      # email HTML part (with <html lang dir>)
    language: str = "fr"
    unsubscribe_url: str | None = None   # absolute URL; None for passwords and codes


def compose(message: OutboxMessage) -> Composed | None:
    """The account's email first, then a phone (the account's or the card holder's shared one), else
    the log. None when the person is gone (nothing to send)."""
    from app.accounts.models import Participant

    participant = db.session.get(Participant, message.participant_id) if message.participant_id else None
    if participant is None or participant.erased_at is not None:
        return None
    user = participant.user
    language = (user.preferred_locale if user else None) or "fr"
    with force_locale(language):
        subject = _("A message from Jiwar")
        text = _("You have a new message on Jiwar.")
        link = message.payload.get("link")
        if link:
            text = f"{text}\n{link}"
    if user is not None and user.email:
        return Composed("email", user.email, subject, text, language=language)
    phone = (user.phone if user else None) or participant.phone
    if phone:
        return Composed("sms", phone, "", text, language=language)
    return Composed("log", f"participant {participant.id}", subject, text, language=language)
