"""What the accounts domain announces to the domains above it: a person's participation answers or
consent changed (given, edited, withdrawn, erased). Sent from inside the flush, the connection of
that transaction as sender; receivers are connected in `create_app` and write in the same
transaction."""

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session, attributes

from app.accounts.models import Participant

_signals = Namespace()

# kwargs: participant_ids, sorted.
participation_changed = _signals.signal("participation-changed")

# The answers a person may give and the consent that allows them to be read (clear_participation).
PARTICIPATION = ("gender", "origin", "country_code", "birth_year", "consent_at")


def _announce_participation_changes(session: Session, _context) -> None:
    changed = sorted(
        instance.id
        for instance in session.dirty
        if isinstance(instance, Participant)
        and any(attributes.get_history(instance, name).has_changes() for name in PARTICIPATION)
    )
    if changed:
        participation_changed.send(session.connection(), participant_ids=changed)


def announce_changes() -> None:
    """Watch every flush for participation changes (called once by `create_app`; idempotent)."""
    if not event.contains(Session, "after_flush", _announce_participation_changes):
        event.listen(Session, "after_flush", _announce_participation_changes)
