"""The one place that runs every domain's piece (pretix's data shredders): a person's data in one
file, deleting an account, erasing a card holder's participant row.

Deleting erases what names or reaches the person (email, phone, name, password, participation
answers, cards, queued messages) and keeps what the programmes count anonymously: past attendances,
proposals and comments (shown under "Deleted account"), supports. It runs in one transaction.
"""

import json

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import Participant, User
from app.accounts.passwords import verify_password
from app.accounts.services import AccountError
from app.core.audit import record_audit
from app.core.time import utcnow
from app.extensions import db
from app.privacy import accounts, desk_visits, directory, events, messages, proposals, reports
from app.privacy.when import when

# Every piece, for the test that walks the foreign keys to a person.
PIECES = (accounts, desk_visits, directory, events, proposals, reports, messages)

EXPORT_FORMAT = "jiwar-personal-data/1"
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105 - not an Argon2 hash: no password ever verifies against it
# Notification payload keys left out of the file: a password link in a saved file would open the
# account to whoever finds the file on a shared phone.
_SECRET_PAYLOAD_KEYS = {"link", "code"}


# -- Download my data ----------------------------------------------------------------------------


def export_personal_data(user: User, language: str) -> bytes:
    """The person's data as UTF-8 JSON; the download is recorded in the audit log (no values)."""
    data = personal_data(user, language)
    record_audit("account.data_exported", actor=user, target=user)
    db.session.commit()
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def personal_data(user: User, language: str) -> dict:
    """Everything about `user`, read in a fixed number of queries, nothing about anyone else."""
    return {
        "readme": _(
            "This file holds everything Jiwar keeps about you, as of the date in exported_at. "
            "\"account\" is your sign-in account (your password is never included), \"participation\" "
            "the details you agreed to give, then your roles, participant cards (codes of active cards "
            "only), registrations, attendances per session, proposals, the group proposals you were "
            "recorded a member of (group_memberships), comments, supports, the abuse "
            "reports you filed, the messages queued for you and the changes recorded about your "
            "account. Dates are in UTC (ISO 8601). Keep this file private: it is about you."
        ),
        "format": EXPORT_FORMAT,
        "exported_at": when(utcnow()),
        "language": language,
        **accounts.export(user, language),
        **events.export(user.participant_id, language),
        **proposals.export(user, language),
        **directory.export(user, language),
        **desk_visits.export(user.participant_id, language),
        **accounts.export_messages_and_history(user, _SECRET_PAYLOAD_KEYS),
        **messages.export(user),
    }


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
        cancelled = erase_participant(user.participant, now)
        accounts.erase_account(user, now, UNUSABLE_PASSWORD)
        record_audit("account.deleted", actor=user, target=user, registrations_cancelled=cancelled)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return cancelled


# -- Erasing a person: shared by account deletion and the information desk -------------------------


def erase_participant(participant: Participant, now) -> int:
    """What erasing a person means, whoever asks (the account holder, or the desk for a card holder):
    future registrations given back first (the first people waiting promoted), then the participant
    row emptied (accounts). Proposals and past presence stay, naming nobody (a group proposal keeps
    the person as a member without a card); the roll-ups follow the
    cleared answers in the same flush. Returns how many registrations were cancelled; the caller
    commits."""
    cancelled = events.erase(participant.id, now)
    proposals.erase(participant.id)
    messages.erase(participant.id, participant.user.id if participant.user else None)
    accounts.erase_participant(participant, now)
    return cancelled
