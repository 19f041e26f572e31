"""Anonymous walk-ins as the reports count them: where each counts (its event's programme,
municipality and type) and what it told at the door (gender, origin, age band). Every flush that
records, undoes or names a walk-in, or moves or deletes an event or a session holding some, announces
the change (signals.walk_ins_changed), so that the reports' totals follow in the same transaction
without this module knowing them. Called by app/events/tally.py's flush listeners.

What leaves a place is read before the flush (the database still says where the walk-ins counted, and
still holds those that ON DELETE CASCADE is about to remove); what arrives is read after it.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import Session, attributes

from app.events import signals
from app.events.models import Attendance, Event, EventSession

_TOLD = ("anonymous_gender", "anonymous_origin", "anonymous_age_band")
# What decides where a walk-in counts.
PLACE = ("programme_id", "municipality_id", "event_type")
_RELEVANT = ("participant_id", "event_id", "record_key", *_TOLD)


def _before(instance, name: str):
    history = attributes.get_history(instance, name)
    return (history.deleted or history.unchanged or [None])[0]


def _changed(instance) -> bool:
    return any(attributes.get_history(instance, name).has_changes() for name in _RELEVANT)


def _edited_attendances(session: Session) -> list:
    return [instance for instance in session.dirty if isinstance(instance, Attendance) and _changed(instance)]


def _places(connection, event_ids) -> dict[int, tuple]:
    if not event_ids:
        return {}
    rows = connection.execute(
        sa.select(Event.id, *[getattr(Event, name) for name in PLACE]).where(Event.id.in_(sorted(event_ids)))
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def _add(deltas: Counter, place, told, count: int, key_sum: int) -> None:
    if place is not None and place[0] is not None:  # outside any programme: in no report's totals
        deltas[(*place, *told, "count")] += count
        deltas[(*place, *told, "keys")] += key_sum


def _walk_ins(connection, where) -> list:
    """Walk-ins grouped by event and what they told: event id, told..., count, sum of record keys."""
    told = [getattr(Attendance, name) for name in _TOLD]
    return connection.execute(
        sa.select(Attendance.event_id, *told, sa.func.count(), sa.func.sum(Attendance.record_key))
        .where(Attendance.participant_id.is_(None), *where)
        .group_by(Attendance.event_id, *told)
    ).all()


def before_flush(session: Session) -> None:
    """What leaves: walk-ins undone or changed, those of deleted events and sessions, and those of
    events that move (which arrive at the new place)."""
    changed = [instance for instance in session.deleted if isinstance(instance, Attendance)]
    changed += _edited_attendances(session)
    leaving = [instance for instance in changed if _before(instance, "participant_id") is None]
    deleted_events = [instance.id for instance in session.deleted if isinstance(instance, Event)]
    deleted_sessions = [instance.id for instance in session.deleted if isinstance(instance, EventSession)]
    moved = {
        instance.id: tuple(getattr(instance, name) for name in PLACE)
        for instance in session.dirty
        if isinstance(instance, Event) and instance.id not in deleted_events
        and any(attributes.get_history(instance, name).has_changes() for name in PLACE)
    }
    if not (leaving or deleted_events or deleted_sessions or moved):
        return
    connection = session.connection()
    deltas: Counter = session.info.setdefault("walk_ins_moved", Counter())
    old_places = _places(connection, {_before(i, "event_id") for i in leaving} | set(moved))
    for instance in leaving:
        told = tuple(_before(instance, name) for name in _TOLD)
        key = _before(instance, "record_key") or 0
        _add(deltas, old_places.get(_before(instance, "event_id")), told, -1, -key)
    untouched = [Attendance.id.not_in([instance.id for instance in changed if instance.id] or [-1])]
    if deleted_events or deleted_sessions:
        gone = sa.or_(Attendance.event_id.in_(deleted_events or [-1]),
                      Attendance.session_id.in_(deleted_sessions or [-1]))
        rows = _walk_ins(connection, [gone, *untouched])
        places = _places(connection, {row[0] for row in rows})
        for event_id, *told, count, key_sum in rows:
            _add(deltas, places.get(event_id), tuple(told), -count, -int(key_sum or 0))
    if moved:
        staying = [Attendance.event_id.in_(sorted(moved)),
                   Attendance.session_id.not_in(deleted_sessions or [-1])]
        for event_id, *told, count, key_sum in _walk_ins(connection, [*staying, *untouched]):
            _add(deltas, old_places.get(event_id), tuple(told), -count, -int(key_sum or 0))
            _add(deltas, moved[event_id], tuple(told), count, int(key_sum or 0))


def after_flush(session: Session) -> None:
    """What arrives (walk-ins recorded, or changed, at their event's place now), then the whole
    change announced."""
    deltas: Counter = session.info.pop("walk_ins_moved", Counter())
    arriving = [instance for instance in session.new if isinstance(instance, Attendance)]
    arriving += _edited_attendances(session)
    arriving = [instance for instance in arriving if instance.participant_id is None]
    connection = session.connection()
    places = _places(connection, {instance.event_id for instance in arriving})
    for instance in arriving:
        told = tuple(getattr(instance, name) for name in _TOLD)
        _add(deltas, places.get(instance.event_id), told, 1, instance.record_key or 0)
    counts = Counter({key[:-1]: value for key, value in deltas.items() if key[-1] == "count" and value})
    keys = Counter({place: deltas[(*place, "keys")] for place in counts})
    if counts:
        signals.walk_ins_changed.send(connection, counts=counts, keys=keys)
