"""The programme roll-ups the reports count from, kept in step with the attendance tally
(app/events/tally.py) in the same transaction: they follow what events and accounts announce
(app/events/signals.py, app/accounts/signals.py), connected by `connect_signals` from `create_app`.

- ProgrammeTally: each tally delta moved onto its (programme, person, municipality, event type,
  year) row by an atomic upsert, like the tally itself, so two door phones at once both count.
- ProgrammePerson, MunicipalityPerson and ProgrammeTypePerson (one row per person and programme, per
  person, programme and municipality, and per person, programme and event type): rebuilt, for each
  person whose tally or reported details changed in the flush, from their programme tally rows (the
  attendance tally for the last, which knows each event's sessions) and their participant row. On
  PostgreSQL the participant row is locked first, so two transactions touching one person rebuild one
  after the other, the second seeing the first's committed rows.
- ProgrammeCell: those rows' totals (app/reports/cells.py), moved by the rebuilt people's old and new
  rows in the same flush.
An event moved to another programme, municipality, type or year has its people recounted, and so
has one attached to or detached from a further programme (app/reports/services.py).
- Anonymous walk-ins have no person row: their totals (ProgrammeCell, kind "w") follow the door and
  the events' moves on their own (app/reports/walk_in_cells.py).
Bulk statements that bypass the ORM call `recount_people` (through tally.recount) or `rebuild`
(through tally.rebuild).
"""

from __future__ import annotations

import functools
from collections import Counter

import sqlalchemy as sa

from app.accounts import signals as accounts_signals
from app.accounts.models import Participant
from app.events import signals as events_signals
from app.events import tally
from app.events.models import AgeBand, AttendanceTally, Event
from app.extensions import db
from app.reports import cells, walk_in_cells
from app.reports.bands import band_of, year_of
from app.reports.links import event_programmes
from app.reports.models import (
    MunicipalityPerson,
    ProgrammeCell,
    ProgrammePerson,
    ProgrammeTally,
    ProgrammeTypePerson,
)

TALLY_KEYS = ["programme_id", "participant_id", "municipality_id", "event_type", "year"]
SESSIONS_BY_BAND = {
    AgeBand.CHILD.value: "sessions_child",
    AgeBand.YOUTH.value: "sessions_youth",
    AgeBand.ADULT.value: "sessions_adult",
    AgeBand.SENIOR.value: "sessions_senior",
}


# -- the programme tally ----------------------------------------------------------------------------


def _rolled_up(connection, changes: Counter) -> Counter:
    """The tally's (person, event) deltas on the programme tally's keys, once for each programme
    the event counts towards (app/reports/links.py); events outside any programme drop out."""
    event_ids = sorted({event_id for _person, event_id in changes})
    counted = event_programmes(event_ids)
    rows = connection.execute(
        sa.select(
            Event.id, counted.c.programme_id, Event.municipality_id, Event.event_type,
            year_of(Event.starts_at),
        ).join(counted, counted.c.event_id == Event.id)
    )
    where: dict[int, list[tuple]] = {}
    for row in rows:
        where.setdefault(row[0], []).append(tuple(row[1:]))
    rolled: Counter = Counter()
    for (participant_id, event_id), delta in changes.items():
        for programme_id, municipality_id, event_type, year in where.get(event_id, ()):
            rolled[(programme_id, participant_id, municipality_id, event_type, year)] += delta
    return Counter({key: delta for key, delta in rolled.items() if delta})


def _tally_rows(where: list) -> sa.Select:
    """The programme tally computed from the attendance tally."""
    counted = event_programmes()
    keys = (counted.c.programme_id, AttendanceTally.participant_id, Event.municipality_id, Event.event_type,
            year_of(Event.starts_at))
    return (
        sa.select(*keys, sa.func.sum(AttendanceTally.sessions))
        .join(Event, Event.id == AttendanceTally.event_id)
        .join(counted, counted.c.event_id == Event.id)
        .where(*where)
        .group_by(*keys)
    )


# -- one row per person and programme ---------------------------------------------------------------


def _people_rows(model, where: list) -> sa.Select:
    """`model`'s rows (ProgrammePerson or MunicipalityPerson) computed from the programme tally and
    the participants."""
    rolled, person = ProgrammeTally, Participant
    consented = person.consent_at.is_not(None)
    known_age = sa.and_(consented, person.birth_year.is_not(None))
    band = band_of(rolled.year - person.birth_year)
    keys = [getattr(rolled, name) for name in _PEOPLE_KEYS[model]]

    def shown(column):
        return sa.case((consented, column), else_=None)

    def in_band(value):
        return sa.func.sum(sa.case((sa.and_(known_age, band == value), rolled.sessions), else_=0))

    return (
        sa.select(
            *keys,
            shown(person.gender),
            shown(person.origin),
            shown(person.country_code),
            shown(person.birth_year),
            sa.func.min(rolled.year),
            sa.func.max(rolled.year),
            *[in_band(value) for value in SESSIONS_BY_BAND],
            sa.func.sum(sa.case((known_age, 0), else_=rolled.sessions)),
            person.record_key,  # grouped by the person's primary key: one value per group
        )
        .join(person, person.id == rolled.participant_id)
        .where(*where)
        .group_by(*keys, person.id)
    )


PEOPLE_MODELS = (ProgrammePerson, MunicipalityPerson)
_PEOPLE_KEYS = {
    ProgrammePerson: ["programme_id", "participant_id"],
    MunicipalityPerson: ["programme_id", "municipality_id", "participant_id"],
}
_FIGURES = ["gender", "origin", "country", "birth_year", "first_year", "last_year",
            *SESSIONS_BY_BAND.values(), "sessions_unknown", "record_key"]


def _type_people_rows(where: list) -> sa.Select:
    """ProgrammeTypePerson's rows computed from the attendance tally (it knows the sessions of each
    event, for `best`) and the participants."""
    person, year = Participant, year_of(Event.starts_at)
    consented = person.consent_at.is_not(None)
    known_age = sa.and_(consented, person.birth_year.is_not(None))
    band = band_of(year - person.birth_year)
    sessions = AttendanceTally.sessions

    def shown(column):
        return sa.case((consented, column), else_=None)

    def in_band(value):
        return sa.func.sum(sa.case((sa.and_(known_age, band == value), sessions), else_=0))

    counted = event_programmes()  # every programme an event counts towards (co-funded: several)
    keys = [counted.c.programme_id, Event.event_type, AttendanceTally.participant_id]
    return (
        sa.select(
            *keys, shown(person.gender), shown(person.origin), shown(person.country_code),
            shown(person.birth_year), sa.func.min(year), sa.func.max(year),
            *[in_band(value) for value in SESSIONS_BY_BAND],
            sa.func.sum(sa.case((known_age, 0), else_=sessions)), person.record_key, sa.func.max(sessions),
        )
        .join(Event, Event.id == AttendanceTally.event_id)
        .join(counted, counted.c.event_id == Event.id)
        .join(person, person.id == AttendanceTally.participant_id)
        .where(*where)
        .group_by(*keys, person.id)
    )


def _fill_statements(where: list, type_where: list) -> list[sa.Insert]:
    statements = []
    for model in PEOPLE_MODELS:
        columns = [*_PEOPLE_KEYS[model], *_FIGURES]
        statements.append(sa.insert(model.__table__).from_select(columns, _people_rows(model, where)))
    columns = ["programme_id", "event_type", "participant_id", *_FIGURES, "best"]
    rows = _type_people_rows(type_where)
    statements.append(sa.insert(ProgrammeTypePerson.__table__).from_select(columns, rows))
    return statements


@functools.cache
def _fill_statements_for_people() -> list[sa.Insert]:
    """Built once, for the people bound as `people`: building them took about a third of a
    check-in's roll-up time (python -m bench.door_rush, the in-process check-in)."""
    people = sa.bindparam("people", expanding=True)
    return _fill_statements([ProgrammeTally.participant_id.in_(people)],
                            [AttendanceTally.participant_id.in_(people)])


def _rebuild_people(connection, people: list[int]) -> None:
    if not people:
        return
    if connection.dialect.name == "postgresql":
        locked = sa.select(Participant.id).where(Participant.id.in_(people)).order_by(Participant.id)
        # FOR NO KEY UPDATE: it waits for another transaction rebuilding the same person, but not
        # for the key-share locks that inserting their attendances takes (that would deadlock).
        connection.execute(locked.with_for_update(key_share=True))
    before = cells.of_people(connection, people)
    for model in cells.PERSON_MODELS:
        connection.execute(sa.delete(model.__table__).where(model.__table__.c.participant_id.in_(people)))
    for statement in _fill_statements_for_people():
        connection.execute(statement, {"people": people})
    cells.apply(connection, before, cells.of_people(connection, people))


# -- entry points -----------------------------------------------------------------------------------


def follow_tally(connection, changes: Counter) -> None:
    """The attendance tally changed by these (person, event) deltas in the current flush."""
    tally.add_sessions(connection, ProgrammeTally.__table__, TALLY_KEYS, _rolled_up(connection, changes))
    _rebuild_people(connection, sorted({person for person, _event in changes}))


def recount_people(connection, participant_ids: list[int]) -> None:
    """Recompute these people's roll-ups from their attendance tally."""
    ids = sorted(set(participant_ids))
    table = ProgrammeTally.__table__
    connection.execute(sa.delete(table).where(table.c.participant_id.in_(ids)))
    rows = _tally_rows([AttendanceTally.participant_id.in_(ids)])
    connection.execute(sa.insert(table).from_select([*TALLY_KEYS, "sessions"], rows))
    _rebuild_people(connection, ids)


def rebuild(connection) -> None:
    """Recompute both roll-ups from the attendance tally, one statement each way."""
    for model in (*cells.PERSON_MODELS, ProgrammeTally):
        connection.execute(sa.delete(model.__table__))
    rows = _tally_rows([])
    connection.execute(sa.insert(ProgrammeTally.__table__).from_select([*TALLY_KEYS, "sessions"], rows))
    for statement in _fill_statements([], []):
        connection.execute(statement)
    cells.rebuild(connection)
    walk_in_cells.rebuild(connection)


def rows_off_a_rebuild() -> dict[str, int]:
    """For the attendance tally and each programme roll-up, how many of its rows differ from a
    rebuild from the attendances: all zeros when they kept in step (a row that differs counts on both
    sides). Counted in SQL against a copy taken first (a region's tally is half a million rows); the
    copies and the rebuild are rolled back, and with them the session's transaction: call it with
    nothing left to commit."""
    names = [model.__tablename__ for model in
             (AttendanceTally, ProgrammeTally, *cells.PERSON_MODELS, ProgrammeCell)]
    # Our own table names, never input: nothing here can be injected.
    for name in names:
        db.session.execute(sa.text(f"CREATE TEMPORARY TABLE kept_{name} AS SELECT * FROM {name}"))  # noqa: S608
    tally.rebuild()  # the roll-ups follow (tally_rebuilt)
    off = {
        name: db.session.scalar(sa.text(
            f"SELECT (SELECT COUNT(*) FROM (SELECT * FROM kept_{name} EXCEPT SELECT * FROM {name}) AS gone)"  # noqa: S608
            f" + (SELECT COUNT(*) FROM (SELECT * FROM {name} EXCEPT SELECT * FROM kept_{name}) AS came)"
        ))
        for name in names
    }
    db.session.rollback()
    return off


# -- what events and accounts announce ---------------------------------------------------------------


def _attendance_changed(connection, changes: Counter) -> None:
    follow_tally(connection, changes)


def _people_recounted(connection, participant_ids: list[int]) -> None:
    recount_people(connection, participant_ids)


def _walk_ins_changed(connection, counts: Counter, keys: Counter) -> None:
    walk_in_cells.follow(connection, counts, keys)


def _event_moving(connection, event_ids: list[int]) -> None:
    walk_in_cells.move(connection, event_ids, -1)


def _event_moved(connection, participant_ids: list[int], event_ids: list[int]) -> None:
    if participant_ids:
        recount_people(connection, participant_ids)
    walk_in_cells.move(connection, event_ids, 1)


def _tally_rebuilt(connection) -> None:
    rebuild(connection)


def _participation_changed(connection, participant_ids: list[int]) -> None:
    _rebuild_people(connection, participant_ids)


def connect_signals(app) -> None:
    """Follow the tally and the people's answers (called by `create_app`; connecting twice is one
    connection). Receivers run in the sender's flush or statement: the same transaction."""
    events_signals.attendance_changed.connect(_attendance_changed)
    events_signals.attendance_recounted.connect(_people_recounted)
    events_signals.event_moved.connect(_event_moved)
    events_signals.event_moving.connect(_event_moving)
    events_signals.walk_ins_changed.connect(_walk_ins_changed)
    events_signals.tally_rebuilt.connect(_tally_rebuilt)
    accounts_signals.participation_changed.connect(_participation_changed)
