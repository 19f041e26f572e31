"""Anonymous walk-ins in the programme totals (ProgrammeCell, kind "w"): their attendances and the sum
of their record keys per programme, municipality (0: all of them) and what the walk-in told at the
door (gender, origin, age band; "" not said). A whole programme's report reads these few dozen rows
instead of grouping every walk-in's attendance at each request (21,421 on the large bench data set).

Kept in the same transaction as the attendances, from what the events domain announces
(app/events/signals.py): walk-ins added or removed go on or come off their cells by atomic additions
(app/reports/cells.py); an event about to move or be deleted has its walk-ins taken off while the
database still says where it counted, and put back where it counts after the flush; a co-funder
attached or detached (app/reports/services.py) moves the event's walk-ins on or off that programme.
`rebuild` recomputes them all; tests/reports/test_rollups.py compares them with it after each change.
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from app.events.models import Attendance, Event
from app.reports import cells
from app.reports.links import event_programmes
from app.reports.models import ProgrammeCell

KIND = "w"


def _cell(programme_id: int, municipality_id: int, gender, origin, age_band) -> tuple:
    """A cell's key in cells.KEYS' order."""
    return (programme_id, municipality_id, "", KIND, gender or "", origin or "", age_band or "", "", 0)


def _changes(rows, sign: int = 1) -> dict[tuple, dict[str, int]]:
    """Rows of (programme, municipality, gender, origin, age band, count, key sum) as changes to the
    programme's cell and to its municipality's."""
    changes: dict[tuple, dict[str, int]] = {}
    for programme_id, municipality_id, gender, origin, age_band, count, keys in rows:
        for scope in (0, municipality_id):
            delta = changes.setdefault(_cell(programme_id, scope, gender, origin, age_band),
                                       {"count": 0, "key_sum": 0})
            delta["count"] += sign * int(count or 0)
            delta["key_sum"] += sign * int(keys or 0)
    return changes


def follow(connection, counts: Counter, keys: Counter) -> None:
    """Walk-ins added or removed: {(event, gender, origin, age band): delta} of attendances and keys."""
    event_ids = sorted({key[0] for key in counts} | {key[0] for key in keys})
    counted = event_programmes(event_ids)
    where: dict[int, list[tuple[int, int]]] = {}
    for event_id, programme_id, municipality_id in connection.execute(
        sa.select(Event.id, counted.c.programme_id, Event.municipality_id).join(
            counted, counted.c.event_id == Event.id)
    ):
        where.setdefault(event_id, []).append((programme_id, municipality_id))
    rows = []
    for key in {*counts, *keys}:
        event_id, told = key[0], key[1:]
        for programme_id, municipality_id in where.get(event_id, ()):
            rows.append((programme_id, municipality_id, *told, counts[key], keys[key]))
    cells.add(connection, _changes(rows))


def _grouped(event_ids: list[int] | None = None, programme_id: int | None = None) -> sa.Select:
    """The walk-ins of these events (None: of all), per programme they count towards (only
    `programme_id` when given), municipality and what they told at the door."""
    counted = event_programmes(event_ids)
    told = (cells.said(Attendance.anonymous_gender), cells.said(Attendance.anonymous_origin),
            cells.said(Attendance.anonymous_age_band))
    statement = (
        sa.select(counted.c.programme_id, Event.municipality_id, *told, sa.func.count(),
                  sa.func.sum(sa.cast(Attendance.record_key, sa.BigInteger)))
        .join(Event, Event.id == Attendance.event_id)
        .join(counted, counted.c.event_id == Event.id)
        .where(Attendance.participant_id.is_(None))
        .group_by(counted.c.programme_id, Event.municipality_id, *told)
    )
    if event_ids is not None:
        statement = statement.where(Attendance.event_id.in_(event_ids))
    if programme_id is not None:
        statement = statement.where(counted.c.programme_id == programme_id)
    return statement


def move(connection, event_ids: list[int], sign: int, programme_id: int | None = None) -> None:
    """Put these events' walk-ins on the cells of where they count now (sign 1), or take them off
    (-1); of one programme only when `programme_id` is given (a co-funder attached or detached)."""
    if not event_ids:
        return
    if connection.dialect.name == "postgresql":
        # A door phone adds a walk-in under a key-share lock on its event (the foreign key): the
        # event's row lock waits for those under way and holds new ones back until the move
        # commits, so none is counted where the event was and where it goes, or in neither. Editing
        # an event, attaching and detaching take it first already; taken again here, for any other.
        locked = sa.select(Event.id).where(Event.id.in_(event_ids)).order_by(Event.id).with_for_update()
        connection.execute(locked)
    rows = connection.execute(_grouped(event_ids, programme_id))
    cells.add(connection, _changes(rows, sign))


def rebuild(connection) -> None:
    """Recompute every walk-in cell from the attendances."""
    table = ProgrammeCell.__table__
    connection.execute(sa.delete(table).where(table.c.kind == KIND))
    cells.add(connection, _changes(connection.execute(_grouped())))
