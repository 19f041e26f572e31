"""Limited retention of card holders' contact details (Moroccan law 09-08, Tunisian organic law
2004-63): the shared phone of a card holder is erased once their last activity is older than
JIWAR_CARD_HOLDER_RETENTION_DAYS. Activity is anything the person did or had done for them: a card
issued, a registration, a presence at a session, a proposal entered with their card.

The name stays: it is how the desk and the door recognise someone who comes back with their card
(the card keeps working), and the person can have it erased at the desk at any time. A phone number
is different: it reaches the person, and a shared phone changes hands.

Account holders are left out: their account has its own life (they delete it themselves).

The same daily pass purges the door's receipts (the ids of the entries phones sent, kept so that a
queue sent twice records nothing twice) once they can no longer be needed. They hold no personal
data (no key to a person: tests/privacy/test_every_person_key.py), only a table that would grow by
one row per person entered at every door.
"""

from datetime import timedelta

import sqlalchemy as sa

from app.accounts.models import Participant, ParticipantCard, User
from app.core.audit import record_audit
from app.core.time import utcnow
from app.events.models import Attendance, DoorReceipt, Event, EventSession, Registration
from app.extensions import db
from app.proposals.models import Proposal


def _active_since(cutoff) -> list[sa.ColumnElement[bool]]:
    """Conditions: no trace of activity at or after `cutoff`."""
    person = Participant.id
    return [
        Participant.created_at < cutoff,
        ~sa.exists().where(ParticipantCard.participant_id == person, ParticipantCard.issued_at >= cutoff),
        ~sa.exists().where(Registration.participant_id == person, Registration.created_at >= cutoff),
        ~sa.exists().where(Attendance.participant_id == person, Attendance.checked_in_at >= cutoff),
        ~sa.exists().where(Proposal.participant_id == person, Proposal.created_at >= cutoff),
    ]


def _expired(days: int) -> sa.Select:
    """Card holders (a card, no account, not erased) with a phone and no activity for `days` days."""
    cutoff = utcnow() - timedelta(days=days)
    return sa.select(Participant.id).where(
        Participant.phone.is_not(None),
        Participant.erased_at.is_(None),
        sa.exists().where(ParticipantCard.participant_id == Participant.id),
        ~sa.exists().where(User.participant_id == Participant.id),
        *_active_since(cutoff),
    )


def apply_retention(days: int, dry_run: bool = False) -> int:
    """Erase the phones that are due; returns how many card holders. Running it again the same day
    finds none (idempotent). A real run is recorded as one audit entry with the count, no names."""
    due = list(db.session.scalars(_expired(days).order_by(Participant.id)))
    if dry_run:
        db.session.rollback()
        return len(due)
    if due:
        # Bulk UPDATE: the phone is not a figure the reports' roll-ups follow.
        db.session.execute(sa.update(Participant).where(Participant.id.in_(due)).values(phone=None))
    record_audit("retention.applied", card_holders=len(due), days=days)
    db.session.commit()
    return len(due)


def erase_unconfirmed_accounts(now, hours: int, dry_run: bool = False) -> int:
    """Accounts never confirmed (no code typed, no link opened) within `hours` of their creation are
    erased like a deleted account: they could not register, propose or support, so nothing else
    points at them. One audit entry with the count, no names."""
    from app.privacy import accounts
    from app.privacy.personal_data import UNUSABLE_PASSWORD, erase_participant

    due = list(db.session.scalars(
        sa.select(User).where(
            User.confirmed_at.is_(None),
            User.deleted_at.is_(None),
            User.is_admin.is_(False),
            User.created_at < now - timedelta(hours=hours),
        ).order_by(User.id)
    ))
    if dry_run:
        db.session.rollback()
        return len(due)
    for user in due:
        erase_participant(user.participant, now)
        accounts.erase_account(user, now, UNUSABLE_PASSWORD)
    if due:
        record_audit("account.unconfirmed_erased", accounts=len(due), hours=hours)
    db.session.commit()
    return len(due)


def purge_door_receipts(now, days: int, dry_run: bool = False) -> int:
    """Deletes the door's receipts of events that ended more than `days` ago, and received as long
    ago (a late correction typed at the door of an old event keeps its receipt `days` too). Past that,
    the door's sync refuses a queued entry for the event instead of counting it again
    (Event.door_receipts_kept). Returns how many; running it again the same day finds none."""
    cutoff = now - timedelta(days=days)
    ended = sa.select(EventSession.id).join(Event, Event.id == EventSession.event_id)
    ended = ended.where(Event.ends_at < cutoff)
    due = sa.and_(DoorReceipt.received_at < cutoff, DoorReceipt.session_id.in_(ended))
    if dry_run:
        count = db.session.scalar(sa.select(sa.func.count()).select_from(DoorReceipt).where(due))
        db.session.rollback()
        return count
    count = db.session.execute(sa.delete(DoorReceipt).where(due)).rowcount
    db.session.commit()
    return count
