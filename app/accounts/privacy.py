"""A person's own data: everything Jiwar holds about them in one file, and deleting their account.

Deleting erases what names or reaches the person (email, phone, name, password, participation
answers, cards, queued messages) and keeps what the programmes count anonymously: past attendances,
proposals and comments (shown under "Deleted account"), supports. It runs in one transaction.
"""

import json
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.accounts.models import Participant, ParticipantCard, PasswordResetToken, User
from app.accounts.passwords import verify_password
from app.accounts.services import AccountError, clear_participation
from app.core.audit import record_audit
from app.core.models import AuditEntry, OutboxMessage
from app.core.time import utcnow
from app.extensions import db

EXPORT_FORMAT = "jiwar-personal-data/1"
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105 - not an Argon2 hash: no password ever verifies against it
# Notification payload keys left out of the file: a password link in a saved file would open the
# account to whoever finds the file on a shared phone.
_SECRET_PAYLOAD_KEYS = {"link"}


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# -- Download my data ----------------------------------------------------------------------------


def export_personal_data(user: User, language: str) -> bytes:
    """The person's data as UTF-8 JSON; the download is recorded in the audit log (no values)."""
    data = personal_data(user, language)
    record_audit("account.data_exported", actor=user, target=user)
    db.session.commit()
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def personal_data(user: User, language: str) -> dict:
    """Everything about `user`, read in a fixed number of queries, nothing about anyone else."""
    participant = user.participant
    return {
        "readme": _(
            "This file holds everything Jiwar keeps about you, as of the date in exported_at. "
            "\"account\" is your sign-in account (your password is never included), \"participation\" "
            "the details you agreed to give, then your roles, participant cards (codes of active cards "
            "only), registrations, attendances per session, proposals, comments, supports, the abuse "
            "reports you filed, the messages queued for you and the changes recorded about your "
            "account. Dates are in UTC (ISO 8601). Keep this file private: it is about you."
        ),
        "format": EXPORT_FORMAT,
        "exported_at": _when(utcnow()),
        "language": language,
        "account": {
            "id": user.id,
            "email": user.email,
            "phone": user.phone,
            "display_name": user.display_name,
            "preferred_language": user.preferred_locale,
            "municipality": user.municipality.name(language) if user.municipality else None,
            "is_administrator": user.is_admin,
            "is_disabled": user.is_disabled,
            "created_at": _when(user.created_at),
            "last_sign_in_at": _when(user.last_sign_in_at),
        },
        "participation": {
            "participant_id": participant.id,
            "display_name": participant.display_name,
            "shared_phone": participant.phone,
            "consent_given_at": _when(participant.consent_at),
            "gender": participant.gender,
            "birth_year": participant.birth_year,
            "origin": participant.origin,
            "country_of_origin": participant.country_code,
        },
        "roles": [
            {
                "role": assignment.role,
                "municipality": assignment.municipality.name(language),
                "granted_at": _when(assignment.granted_at),
            }
            for assignment in user.roles
        ],
        "participant_cards": [
            {
                "code": card.code if card.is_active else None,
                "is_active": card.is_active,
                "issued_at": _when(card.issued_at),
                "revoked_at": _when(card.revoked_at),
            }
            for card in _cards(participant.id)
        ],
        "registrations": _registrations(participant.id, language),
        "attendances": _attendances(participant.id, language),
        **_proposals_part(user, language),
        "notifications": [
            {
                "kind": message.kind,
                "queued_at": _when(message.created_at),
                "sent_at": _when(message.sent_at),
                "details": {
                    key: value for key, value in (message.payload or {}).items()
                    if key not in _SECRET_PAYLOAD_KEYS
                },
            }
            for message in db.session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.participant_id == participant.id)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            )
        ],
        "password_links": [
            {
                "created_at": _when(row.created_at),
                "expires_at": _when(row.expires_at),
                "used_at": _when(row.used_at),
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


def _registrations(participant_id: int, language: str) -> list[dict]:
    from app.events.models import Registration

    rows = db.session.scalars(
        sa.select(Registration)
        .where(Registration.participant_id == participant_id)
        .options(joinedload(Registration.event))
        .order_by(Registration.created_at, Registration.id)
    )
    return [
        {
            "event_id": registration.event_id,
            "event_title": registration.event.title(language),
            "event_starts_at": _when(registration.event.starts_at),
            "status": registration.status,
            "ticket_code": registration.ticket_code if registration.is_active else None,
            "registered_at": _when(registration.created_at),
            "confirmed_at": _when(registration.confirmed_at),
            "cancelled_at": _when(registration.cancelled_at),
        }
        for registration in rows
    ]


def _attendances(participant_id: int, language: str) -> list[dict]:
    from app.events.models import Attendance, Event, EventSession

    rows = db.session.execute(
        sa.select(Attendance, EventSession, Event)
        .join(EventSession, EventSession.id == Attendance.session_id)
        .join(Event, Event.id == Attendance.event_id)
        .where(Attendance.participant_id == participant_id)
        .order_by(EventSession.starts_at, Attendance.id)
    )
    return [
        {
            "event_id": event.id,
            "event_title": event.title(language),
            "session_starts_at": _when(session.starts_at),
            "checked_in_at": _when(attendance.checked_in_at),
        }
        for attendance, session, event in rows
    ]


def _proposals_part(user: User, language: str) -> dict:
    from app.proposals.models import AbuseReport, Comment, Proposal, Support

    proposals = db.session.scalars(
        sa.select(Proposal)
        .where(sa.or_(Proposal.author_id == user.id, Proposal.participant_id == user.participant_id))
        .order_by(Proposal.created_at, Proposal.id)
    )
    comments = db.session.execute(
        sa.select(Comment, Proposal.title)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.created_at, Comment.id)
    )
    supports = db.session.execute(
        sa.select(Support, Proposal.title)
        .join(Proposal, Proposal.id == Support.proposal_id)
        .where(Support.user_id == user.id)
        .order_by(Support.created_at, Support.id)
    )
    reports = db.session.scalars(
        sa.select(AbuseReport).where(AbuseReport.reporter_id == user.id).order_by(AbuseReport.created_at)
    )
    return {
        "proposals": [
            {
                "id": proposal.id,
                "call": proposal.call.title,
                "title": proposal.title,
                "description": proposal.description,
                "place": proposal.place,
                "estimated_cost": None if proposal.estimated_cost is None else str(proposal.estimated_cost),
                "group_name": proposal.group_name,
                "channel": proposal.channel,
                "status": proposal.status,
                "support_count": proposal.support_count,
                "has_photo": proposal.photo_name is not None,
                "is_hidden": proposal.is_hidden,
                "submitted_at": _when(proposal.created_at),
            }
            for proposal in proposals
        ],
        "comments": [
            {
                "proposal_id": comment.proposal_id,
                "proposal_title": title,
                "body": comment.body,
                "is_reply": comment.parent_id is not None,
                "is_hidden": comment.is_hidden,
                "written_at": _when(comment.created_at),
            }
            for comment, title in comments
        ],
        "supports": [
            {
                "proposal_id": support.proposal_id,
                "proposal_title": title,
                "given_at": _when(support.created_at),
            }
            for support, title in supports
        ],
        "abuse_reports": [
            {
                "proposal_id": report.proposal_id,
                "comment_id": report.comment_id,
                "reason": report.reason,
                "filed_at": _when(report.created_at),
                "resolution": report.resolution,
            }
            for report in reports
        ],
    }


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
        {"at": _when(entry.at), "action": entry.action, "target_type": entry.target_type,
         "target_id": entry.target_id, "by_you": entry.actor_id == user.id}
        for entry in rows
    ]


# -- Delete my account ---------------------------------------------------------------------------


def is_last_administrator(user: User, lock: bool = False) -> bool:
    """True when `user` is the only active administrator left. With `lock` (PostgreSQL), every active
    administrator's row is locked in id order, so two administrators deleting their accounts at once
    are serialised and the second sees the first gone (no deadlock: same order for both)."""
    if not user.is_admin:
        return False
    statement = (
        sa.select(User.id)
        .where(User.is_admin.is_(True), User.is_disabled.is_(False), User.deleted_at.is_(None))
        .order_by(User.id)
    )
    if lock and db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    return all(admin_id == user.id for admin_id in db.session.scalars(statement))


def delete_account(user: User, password: str) -> int:
    """Erase the person's data and end every session, in one transaction. Returns how many future
    registrations were cancelled. Raises AccountError (nothing written) for a wrong password or the
    last administrator."""
    from app.events.services.registration import release_future_registrations

    if not verify_password(user.password_hash, password or ""):
        raise AccountError(_("Your password is not right."), code="wrong_password", field="password")
    try:
        if is_last_administrator(user, lock=True):
            raise AccountError(
                _("You are the last administrator: make someone else an administrator before deleting "
                  "your account."),
                code="last_admin",
            )
        now = utcnow()
        participant = user.participant
        # Future registrations are given back through the events service, so the first people waiting
        # are promoted; past ones stay for the reports.
        cancelled = release_future_registrations(participant.id, now)
        db.session.execute(sa.delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
        erase_participant(participant, now)

        user.email = None
        user.phone = None
        user.display_name = ""
        user.password_hash = UNUSABLE_PASSWORD
        user.preferred_locale = None
        user.municipality = None
        user.last_sign_in_at = None
        user.roles.clear()
        user.is_admin = False
        user.is_disabled = True
        user.session_version = User.session_version + 1
        user.deleted_at = now
        record_audit("account.deleted", actor=user, target=user, registrations_cancelled=cancelled)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return cancelled


# -- Erasing a person: shared by account deletion and the information desk -------------------------


def erase_participant(participant: Participant, now: datetime) -> None:
    """What erasing a person means for their participant row, whoever asks (the account holder, or
    the desk for a card holder): the cards stop working, messages queued for them go, the name, the
    shared phone and the answers are erased, `erased_at` is set. The row stays, so presence at past
    sessions still counts (anonymously) and proposals keep pointing at it without a name. The caller
    has given back future registrations first (the events domain) and commits."""
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


def proposals_linked_to(participant_id: int) -> list:
    """Proposals entered for this participant (at the desk with their card, or their own), oldest
    first: the card holder's data page lists them."""
    from app.proposals.models import Proposal

    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(Proposal.participant_id == participant_id)
            .order_by(Proposal.created_at, Proposal.id)
        )
    )
