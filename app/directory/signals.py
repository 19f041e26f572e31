"""What the directory announces to the domains above it (the desk's referrals, the reports): an entry
was created, changed, verified or retired. Sent before the commit, the session as sender, so that a
receiver writes in the same transaction. Receivers are connected in `create_app`."""

from blinker import Namespace

_signals = Namespace()

# kwargs: service_ids (sorted), action ("created", "updated", "verified", "retired", "imported").
service_changed = _signals.signal("service-changed")
