"""What the events domain announces to the domains above it (the reports' roll-ups), so that it never
imports them. Every signal is sent inside the flush or the statement that made the change, with the
connection of that transaction as sender: a receiver writes in the same transaction, and a refused
change takes the receiver's writes with it. Receivers are connected in `create_app`."""

from blinker import Namespace

_signals = Namespace()

# kwargs: changes, a Counter {(participant_id, event_id): sessions added (or removed, negative)}.
attendance_changed = _signals.signal("attendance-changed")
# kwargs: participant_ids. Their tally rows were recomputed after a bulk statement (a card merged
# into an account): whatever follows the tally recomputes them too.
attendance_recounted = _signals.signal("attendance-recounted")
# No kwargs: the whole tally was recomputed (new deployment, generated data).
tally_rebuilt = _signals.signal("tally-rebuilt")
# kwargs: participant_ids, the people who attended events that moved (to another programme,
# municipality, type or date) or were deleted: their presence now counts elsewhere, or nowhere;
# event_ids, the events that moved (not the deleted ones): their walk-ins count where they now are.
event_moved = _signals.signal("event-moved")
# Sent before the flush that moves or deletes these events, while the database still says where they
# counted. kwargs: event_ids.
event_moving = _signals.signal("event-moving")
# kwargs: counts and keys, Counters {(event_id, gender, origin, age_band): delta} of anonymous
# walk-ins' attendances added (or removed, negative) and of the sum of their record keys; an event
# moving in the same flush is left out (event_moving and event_moved carry all of its walk-ins).
walk_ins_changed = _signals.signal("walk-ins-changed")
