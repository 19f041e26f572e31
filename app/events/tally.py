"""The attendance tally (AttendanceTally): sessions attended per person and event, maintained in the
same transaction as the attendances themselves. Each change is announced (app/events/signals.py):
the programme roll-ups of the reports follow it in the same transaction, without this module knowing
them.

Every ORM flush that adds, removes or re-assigns an Attendance adjusts the tally with an atomic
upsert (`sessions = sessions + 1`), so two door phones checking the same person into two sessions at
once both count, and a refused insert (the unique constraint) changes nothing because the flush fails
before the tally is touched. Bulk UPDATE/INSERT statements bypass the ORM: the code that runs them
calls `recount(participant_ids)` (a card merged into an account) or `rebuild()` (generated data).
`keep_tally()`, called once by `create_app`, starts watching the flushes.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, attributes

from app.events import signals
from app.events.models import Attendance, AttendanceTally, Event
from app.extensions import db


def _table():
    return AttendanceTally.__table__


def _attendance_class():
    return Attendance


def add_sessions(connection, table: sa.Table, keys: list[str], changes: Counter) -> None:
    """Add each delta to the `sessions` of the row of `table` whose `keys` columns are the change's
    key: an atomic upsert, and a row brought to zero removed."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    for key, delta in sorted(changes.items()):
        values = dict(zip(keys, key, strict=True))
        if delta > 0:
            statement = insert(table).values(**values, sessions=delta)
            statement = statement.on_conflict_do_update(
                index_elements=[table.c[name] for name in keys], set_={"sessions": table.c.sessions + delta}
            )
            connection.execute(statement)
        elif delta < 0:
            where = sa.and_(*[table.c[name] == value for name, value in values.items()])
            connection.execute(sa.update(table).where(where).values(sessions=table.c.sessions + delta))
            connection.execute(sa.delete(table).where(where, table.c.sessions <= 0))


def _apply(connection, changes: Counter) -> None:
    add_sessions(connection, _table(), ["participant_id", "event_id"], changes)


def _follow_attendances(session: Session, _context) -> None:
    attendance = _attendance_class()
    changes: Counter = Counter()
    for instance in session.new:
        if isinstance(instance, attendance) and instance.participant_id is not None:
            changes[(instance.participant_id, instance.event_id)] += 1
    for instance in session.deleted:
        if isinstance(instance, attendance):
            participant = attributes.get_history(instance, "participant_id").non_added()
            events = attributes.get_history(instance, "event_id").non_added()
            if participant and participant[0] is not None and events:
                changes[(participant[0], events[0])] -= 1
    for instance in session.dirty:
        if not isinstance(instance, attendance):
            continue
        participant = attributes.get_history(instance, "participant_id")
        events = attributes.get_history(instance, "event_id")
        if not (participant.has_changes() or events.has_changes()):
            continue
        old_participant = (participant.deleted or participant.unchanged or [None])[0]
        old_event = (events.deleted or events.unchanged or [None])[0]
        if old_participant is not None and old_event is not None:
            changes[(old_participant, old_event)] -= 1
        if instance.participant_id is not None:
            changes[(instance.participant_id, instance.event_id)] += 1
    changes = Counter({key: delta for key, delta in changes.items() if delta})
    if changes:
        _apply(session.connection(), changes)
        signals.attendance_changed.send(session.connection(), changes=changes)
    moved, deleted = session.info.pop("events_moving", ((), ()))
    _announce_walk_ins(session, {*moved, *deleted})
    _announce_moved_events(session, list(moved))


# -- anonymous walk-ins: no tally of their own, announced as they come and go -----------------------

_WALK_IN_FIELDS = ("event_id", "participant_id", "anonymous_gender", "anonymous_origin", "anonymous_age_band",
                   "record_key")


def _as_it_was(instance) -> tuple:
    return tuple(
        (history.deleted or history.unchanged or [None])[0]
        for history in (attributes.get_history(instance, name) for name in _WALK_IN_FIELDS)
    )


def _as_it_is(instance) -> tuple:
    return tuple(getattr(instance, name) for name in _WALK_IN_FIELDS)


def _announce_walk_ins(session: Session, moving: set[int]) -> None:
    attendance = _attendance_class()
    counts: Counter = Counter()
    keys: Counter = Counter()

    def count(values: tuple, sign: int) -> None:
        event_id, participant_id, gender, origin, age_band, record_key = values
        if participant_id is None and event_id is not None and event_id not in moving:
            counts[(event_id, gender, origin, age_band)] += sign
            keys[(event_id, gender, origin, age_band)] += sign * (record_key or 0)

    for instance in session.new:
        if isinstance(instance, attendance):
            count(_as_it_is(instance), 1)
    for instance in session.deleted:
        if isinstance(instance, attendance):
            count(_as_it_was(instance), -1)
    for instance in session.dirty:
        if isinstance(instance, attendance) and any(
            attributes.get_history(instance, name).has_changes() for name in _WALK_IN_FIELDS
        ):
            count(_as_it_was(instance), -1)
            count(_as_it_is(instance), 1)
    if any(counts.values()) or any(keys.values()):
        signals.walk_ins_changed.send(session.connection(), counts=counts, keys=keys)


# -- events that moved: their people's presence counts elsewhere ------------------------------------

# What decides where an event's presence counts: its programme, municipality, type and date.
_WHERE_IT_COUNTS = ("programme_id", "municipality_id", "event_type", "starts_at")


def _people_of(session: Session, event_ids: list[int]) -> set[int]:
    table = _table()
    rows = session.connection().execute(
        sa.select(table.c.participant_id).where(table.c.event_id.in_(event_ids)).distinct()
    )
    return set(rows.scalars())


def _before_flush(session: Session, _context, _instances) -> None:
    """What the flush is about to delete must be read while it is there: a deleted event's tally rows
    and walk-ins go by ON DELETE CASCADE, so who attended is remembered; an attendance about to be
    deleted is loaded if it was expired, so its walk-in can be taken off. Events about to move or
    go are announced while the database still says where they counted."""
    attendance = _attendance_class()
    for instance in session.deleted:
        if isinstance(instance, attendance):
            _as_it_is(instance)
    moved = sorted(
        instance.id
        for instance in session.dirty
        if isinstance(instance, Event)
        and any(attributes.get_history(instance, name).has_changes() for name in _WHERE_IT_COUNTS)
    )
    deleted = sorted(instance.id for instance in session.deleted if isinstance(instance, Event))
    # Set on every flush, read by its after_flush: a flush that failed leaves nothing behind.
    session.info["events_moved_people"] = _people_of(session, deleted) if deleted else set()
    session.info["events_moving"] = (moved, deleted)
    if moved or deleted:
        signals.event_moving.send(session.connection(), event_ids=sorted({*moved, *deleted}))


def _announce_moved_events(session: Session, moved: list[int]) -> None:
    people = set(session.info.pop("events_moved_people", ()))
    if moved:
        people |= _people_of(session, moved)
    if people or moved:
        signals.event_moved.send(session.connection(), participant_ids=sorted(people), event_ids=moved)


def keep_tally() -> None:
    """Watch every flush: the tally follows the attendances, moved events are announced (called once
    by `create_app`; idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _follow_attendances):
        event.listen(Session, "after_flush", _follow_attendances)


def _counted(where) -> sa.Select:
    attendance = _attendance_class()
    return (
        sa.select(attendance.participant_id, attendance.event_id, sa.func.count())
        .where(attendance.participant_id.is_not(None), *where)
        .group_by(attendance.participant_id, attendance.event_id)
    )


def recount(participant_ids: list[int]) -> None:
    """Recompute these people's tally rows from their attendances (after a bulk re-assignment)."""
    table, attendance = _table(), _attendance_class()
    ids = sorted(set(participant_ids))
    db.session.execute(sa.delete(table).where(table.c.participant_id.in_(ids)))
    db.session.execute(
        sa.insert(table).from_select(
            ["participant_id", "event_id", "sessions"], _counted([attendance.participant_id.in_(ids)])
        )
    )
    signals.attendance_recounted.send(db.session.connection(), participant_ids=ids)


def rebuild() -> int:
    """Recompute the whole tally from the attendances (new deployment, generated data, or a check);
    one statement each way, inside the caller's transaction, then the programme roll-ups from it.
    Returns the number of rows."""
    table = _table()
    db.session.execute(sa.delete(table))
    db.session.execute(sa.insert(table).from_select(["participant_id", "event_id", "sessions"], _counted([])))
    signals.tally_rebuilt.send(db.session.connection())
    return db.session.scalar(sa.select(sa.func.count()).select_from(table))
