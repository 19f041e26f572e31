"""The totals of the one-row-per-person roll-ups (ProgrammeCell), kept in step with them in the same
transaction: app/reports/rollups.py hands over the people whose rows it rebuilds, and their old rows'
contributions come off the totals as their new rows' go on, by atomic additions in key order (two door
phones at once both count, and never wait for each other in a cycle). A whole programme's report and
most targets then read a few hundred rows, however many people took part; app/reports/whole_programme.py
reads them and tests/reports/test_rollups.py checks them against a recount.
"""

from __future__ import annotations

import functools
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.reports.bands import band_of
from app.reports.models import (
    MunicipalityPerson,
    ProgrammeCell,
    ProgrammePerson,
    ProgrammeTypePerson,
)

KEYS = ["programme_id", "municipality_id", "event_type", "kind", "gender", "origin", "age_band", "country",
        "best"]
# Sessions per band at the event, as the person rows hold them ("": the age is not known).
_BAND_COLUMNS = {"0-14": "sessions_child", "15-24": "sessions_youth", "25-59": "sessions_adult",
                 "60+": "sessions_senior", "": "sessions_unknown"}
PERSON_MODELS = (ProgrammePerson, MunicipalityPerson, ProgrammeTypePerson)


def said(column) -> sa.ColumnElement:
    return sa.func.coalesce(column, "")


def _scope(model) -> tuple[list, list]:
    """The programme, municipality (0: all) and event type ("": all) a person row counts in, and the
    columns among them to group by (never a constant)."""
    if model is MunicipalityPerson:
        return [model.programme_id, model.municipality_id, sa.literal("")], [
            model.programme_id, model.municipality_id]
    if model is ProgrammeTypePerson:
        return [model.programme_id, sa.literal(0), model.event_type], [model.programme_id, model.event_type]
    return [model.programme_id, sa.literal(0), sa.literal("")], [model.programme_id]


def contributions(model, where: list) -> list[sa.Select]:
    """What `model`'s rows chosen by `where` add to the totals, in ProgrammeCell's columns: their people
    (age band at the first event), the same people by gender and age in whole years at the first
    event (kind "y", for the sex x age tables; not per event type) and their registered attendances
    per band at the event."""
    scope, grouped = _scope(model)
    best = model.best if model is ProgrammeTypePerson else sa.literal(0)
    grouped_best = [model.best] if model is ProgrammeTypePerson else []
    age = model.first_year - model.birth_year
    first_band = sa.case((model.birth_year.is_not(None), band_of(age)), else_="")
    people_keys = [*scope, sa.literal("p"), said(model.gender), said(model.origin), first_band,
                   said(model.country), best]
    selects = [
        sa.select(*people_keys, sa.func.count(), sa.func.sum(sa.cast(model.record_key, sa.BigInteger)))
        .where(*where)
        .group_by(*grouped, model.gender, model.origin, first_band, model.country, *grouped_best)
    ]
    if model is not ProgrammeTypePerson:  # the sex x age tables read a programme or a municipality
        known = sa.case((model.birth_year.is_not(None), sa.cast(age, sa.String)), else_="")
        ages = [*scope, sa.literal("y"), said(model.gender), sa.literal(""), known, sa.literal(""),
                sa.literal(0)]
        selects.append(
            sa.select(*ages, sa.func.count(), sa.func.sum(sa.cast(model.record_key, sa.BigInteger)))
            .where(*where)
            .group_by(*grouped, model.gender, known)
        )
    for band, name in _BAND_COLUMNS.items():
        sessions = getattr(model, name)
        keys = [*scope, sa.literal("a"), said(model.gender), said(model.origin), sa.literal(band),
                said(model.country), sa.literal(0)]
        selects.append(
            sa.select(*keys, sa.func.sum(sessions),
                      sa.func.sum(sa.cast(sessions * model.record_key, sa.BigInteger)))
            .where(*where, sessions > 0)
            .group_by(*grouped, model.gender, model.origin, model.country)
        )
    return selects


def of_people(connection, participant_ids: list[int]) -> Counter:
    """These people's present contributions, as {cell key: (count, key sum)} in a Counter of pairs."""
    totals: Counter = Counter()
    for model in PERSON_MODELS:
        for row in connection.execute(_of_people_statement(model), {"people": participant_ids}):
            key, count, keys = tuple(row[: len(KEYS)]), int(row[-2] or 0), int(row[-1] or 0)
            totals[(key, "count")] += count
            totals[(key, "key_sum")] += keys
    return totals


@functools.cache
def _of_people_statement(model) -> sa.CompoundSelect:
    """Built once per model: building these twenty selects took two thirds of `of_people`'s time,
    twice per check-in (python -m bench.door_rush, the in-process check-in)."""
    people = sa.bindparam("people", expanding=True)
    return sa.union_all(*contributions(model, [model.participant_id.in_(people)]))


def apply(connection, before: Counter, after: Counter) -> None:
    """Move the totals from `before` to `after` (both from `of_people`): only the cells that changed."""
    changes: dict[tuple, dict[str, int]] = {}
    for (key, column), value in (after - before).items():
        changes.setdefault(key, {"count": 0, "key_sum": 0})[column] += value
    for (key, column), value in (before - after).items():
        changes.setdefault(key, {"count": 0, "key_sum": 0})[column] -= value
    add(connection, changes)


def add(connection, changes: dict[tuple, dict[str, int]]) -> None:
    """Add each change to its cell, in key order (concurrent transactions lock the cells in the same
    order, never in a cycle), then remove the cells brought to zero. Two statements whatever the
    number of cells: one check-in moves a handful."""
    rows = [{**dict(zip(KEYS, key, strict=True)), **delta} for key, delta in sorted(changes.items())
            if delta["count"] or delta["key_sum"]]
    if not rows:
        return
    connection.execute(_add_statement(connection.dialect.name), rows)
    lowered = [{f"cell_{name}": row[name] for name in KEYS} for row in rows if row["count"] <= 0]
    if lowered:
        connection.execute(_remove_emptied_statement(), lowered)


@functools.cache
def _add_statement(dialect: str) -> sa.Insert:
    """Each row's count and key sum added to its cell, made when missing."""
    table = ProgrammeCell.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in KEYS],
        set_={"count": table.c.count + statement.excluded.count,
              "key_sum": table.c.key_sum + statement.excluded.key_sum},
    )


@functools.cache
def _remove_emptied_statement() -> sa.Delete:
    table = ProgrammeCell.__table__
    same_cell = [table.c[name] == sa.bindparam(f"cell_{name}") for name in KEYS]
    return sa.delete(table).where(*same_cell, table.c.count <= 0)


def rebuild(connection) -> None:
    """Recompute every total from the person rows, one statement."""
    table = ProgrammeCell.__table__
    connection.execute(sa.delete(table))
    everything = [select for model in PERSON_MODELS for select in contributions(model, [])]
    connection.execute(sa.insert(table).from_select([*KEYS, "count", "key_sum"], sa.union_all(*everything)))
