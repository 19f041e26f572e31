"""Recording who did what. The caller commits with the change it records, so both land or neither."""

from app.core.models import AuditEntry
from app.extensions import db


def record_audit(action: str, actor=None, target=None, **details) -> AuditEntry:
    """Add an audit entry to the current transaction. Never put names, phones or origins in details."""
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
    )
    db.session.add(entry)
    return entry
