"""The accounts domain's part of a person's data: their account, participation answers, roles, cards,
queued messages, password links and what the audit log recorded about them."""

import sqlalchemy as sa

from app.accounts.models import Participant, ParticipantCard, PasswordResetToken, User
from app.accounts.services import clear_participation
from app.core.models import AuditEntry, OutboxMessage
from app.extensions import db
from app.privacy.when import when

# Every column that points at a person, and what the export and the erasure do with it.
EXPORTS = {
    "user.participant_id": "account and participation",
    "participant.consent_recorded_by_id": "not exported: who recorded the consent is staff",
    "participant_card.participant_id": "participant_cards (codes of active cards only)",
    "participant_card.issued_by_id": "not exported: the organiser who issued a card",
    "role_assignment.user_id": "roles",
    "role_assignment.granted_by_id": "not exported: the administrator who granted a role",
    "password_reset_token.user_id": "password_links (dates, never the token)",
    "password_reset_token.created_by_id": "not exported: who issued the link",
    "outbox_message.participant_id": "notifications (without password links)",
    "audit_entry.actor_id": "account_history (actions and dates, no values)",
}
ERASES = {
    "user.participant_id": "kept: the account row stays, emptied (email, phone, name, password, roles)",
    "participant.consent_recorded_by_id": "emptied with the consent",
    "participant_card.participant_id": "cards deactivated; the row stays, naming nobody",
    "participant_card.issued_by_id": "kept: the organiser's act",
    "role_assignment.user_id": "deleted with the account",
    "role_assignment.granted_by_id": "kept: the administrator's act",
    "password_reset_token.user_id": "deleted with the account",
    "password_reset_token.created_by_id": "kept: the issuer's act",
    "outbox_message.participant_id": "messages not yet sent are deleted",
    "audit_entry.actor_id": "kept: what was done, by an account that names nobody any more",
}


def export(user: User, language: str) -> dict:
    participant = user.participant
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "phone": user.phone,
            "display_name": user.display_name,
            "preferred_language": user.preferred_locale,
            "municipality": user.municipality.name(language) if user.municipality else None,
            "is_administrator": user.is_admin,
            "is_disabled": user.is_disabled,
            "created_at": when(user.created_at),
            "last_sign_in_at": when(user.last_sign_in_at),
        },
        "participation": {
            "participant_id": participant.id,
            "display_name": participant.display_name,
            "shared_phone": participant.phone,
            "consent_given_at": when(participant.consent_at),
            "gender": participant.gender,
            "birth_year": participant.birth_year,
            "origin": participant.origin,
            "country_of_origin": participant.country_code,
        },
        "roles": [
            {
                "role": assignment.role,
                "municipality": assignment.municipality.name(language),
                "granted_at": when(assignment.granted_at),
            }
            for assignment in user.roles
        ],
        "participant_cards": [
            {
                "code": card.code if card.is_active else None,
                "is_active": card.is_active,
                "issued_at": when(card.issued_at),
                "revoked_at": when(card.revoked_at),
            }
            for card in _cards(participant.id)
        ],
    }


def export_messages_and_history(user: User, secret_keys: set[str]) -> dict:
    """The end of the file: messages queued for the person, their password links, their history."""
    return {
        "notifications": [
            {
                "kind": message.kind,
                "queued_at": when(message.created_at),
                "status": message.status,
                "channel": message.channel,
                "address": message.address,
                "sent_at": when(message.sent_at),
                "delivered_at": when(message.delivered_at),
                "details": {
                    key: value for key, value in (message.payload or {}).items() if key not in secret_keys
                },
            }
            for message in db.session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.participant_id == user.participant_id)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            )
        ],
        "password_links": [
            {
                "created_at": when(row.created_at),
                "expires_at": when(row.expires_at),
                "used_at": when(row.used_at),
            }
            for row in db.session.scalars(
                sa.select(PasswordResetToken)
                .where(PasswordResetToken.user_id == user.id)
                .order_by(PasswordResetToken.created_at)
            )
        ],
        "account_history": _account_history(user),
    }


def _cards(participant_id: int) -> list[ParticipantCard]:
    return list(
        db.session.scalars(
            sa.select(ParticipantCard)
            .where(ParticipantCard.participant_id == participant_id)
            .order_by(ParticipantCard.issued_at, ParticipantCard.id)
        )
    )


def _account_history(user: User) -> list[dict]:
    """What was recorded about this account or done by this person (actions and dates, no names)."""
    rows = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            sa.or_(
                AuditEntry.actor_id == user.id,
                sa.and_(AuditEntry.target_type == "User", AuditEntry.target_id == user.id),
                sa.and_(AuditEntry.target_type == "Participant", AuditEntry.target_id == user.participant_id),
            )
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [
        {"at": when(entry.at), "action": entry.action, "target_type": entry.target_type,
         "target_id": entry.target_id, "by_you": entry.actor_id == user.id}
        for entry in rows
    ]


def erase_participant(participant: Participant, now) -> None:
    """The cards stop working, messages queued for the person go, the name, the shared phone and the
    answers are erased, `erased_at` is set. The row stays, so presence at past sessions still counts
    (anonymously) and proposals keep pointing at it without a name."""
    db.session.execute(
        sa.update(ParticipantCard)
        .where(ParticipantCard.participant_id == participant.id, ParticipantCard.is_active.is_(True))
        .values(is_active=False, revoked_at=now)
    )
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.participant_id == participant.id))
    participant.display_name = ""
    participant.phone = None
    clear_participation(participant)
    participant.erased_at = now


def erase_account(user: User, now, unusable_password: str) -> None:
    """The account row stays (what it did is still recorded), naming and reaching nobody."""
    db.session.execute(sa.delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    user.email = None
    user.phone = None
    user.display_name = ""
    user.password_hash = unusable_password
    user.preferred_locale = None
    user.municipality = None
    user.last_sign_in_at = None
    user.roles.clear()
    user.is_admin = False
    user.is_disabled = True
    user.session_version = User.session_version + 1
    user.deleted_at = now
