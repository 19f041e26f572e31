"""Reads of a whole programme, or one municipality's part of it (no event, period or type chosen),
from its one row per person (ProgrammePerson, MunicipalityPerson: app/reports/rollups.py):
distinct people are then counted without grouping every attendance by person first. The rows hold
only what reports may say of a person (empty without consent), so no participant row is joined.
Each function answers what its counterpart in app/reports/queries.py answers from the tallies, and
tests/reports/test_rollups.py compares the two."""

from __future__ import annotations

import sqlalchemy as sa

from app.reports import walk_in_cells
from app.reports.bands import BANDS
from app.reports.models import (
    Measure,
    ProgrammeCell,
    ProgrammePerson,
    ProgrammeTally,
    Target,
)
from app.reports.rollups import SESSIONS_BY_BAND

_person = ProgrammePerson
_all_sessions = sum(
    (getattr(_person, name) for name in [*SESSIONS_BY_BAND.values(), "sessions_unknown"]), sa.literal(0)
)


def cubes(programme_id: int, municipality_id: int | None = None) -> list[sa.Select]:
    """The registered attendances by gender, origin, age band at the event and country, the
    anonymous walk-ins' by what they told at the door, then the distinct people by the same (age band
    at their first event), as report_cubes' rows; of the programme's events in one municipality when
    `municipality_id` is given. Read from the totals (ProgrammeCell): a few hundred rows, however
    many people took part."""
    cell = ProgrammeCell
    selected = [cell.programme_id == programme_id, cell.municipality_id == (municipality_id or 0),
                cell.event_type == ""]
    groups = (cell.gender, cell.origin, cell.age_band, cell.country)

    def of_kind(kind: str, read_as: str) -> sa.Select:
        return (
            sa.select(
                *[sa.func.nullif(column, "").label(column.key) for column in groups],
                sa.literal(kind == walk_in_cells.KIND).label("walk_in"),
                sa.cast(sa.func.sum(cell.count), sa.Integer).label("count"),
                sa.cast(sa.func.sum(cell.key_sum), sa.BigInteger).label("key_sum"),
                sa.literal(read_as).label("kind"),
            )
            .where(*selected, cell.kind == kind)
            .group_by(*groups)
        )

    return [of_kind("a", "a"), of_kind(walk_in_cells.KIND, "a"), of_kind("p", "p")]


def sex_age(programme_id: int, municipality_id: int | None = None) -> sa.Select:
    """Distinct people by gender and age in whole years at their first event (NULL: not said), as
    queries.sex_age_rows answers them, from the totals' kind "y": a few hundred rows."""
    cell = ProgrammeCell
    return (
        sa.select(
            sa.func.nullif(cell.gender, ""),
            sa.cast(sa.func.nullif(cell.age_band, ""), sa.Integer),
            sa.cast(sa.func.sum(cell.count), sa.Integer),
            sa.cast(sa.func.sum(cell.key_sum), sa.BigInteger),
        )
        .where(cell.programme_id == programme_id, cell.municipality_id == (municipality_id or 0),
               cell.event_type == "", cell.kind == "y")
        .group_by(cell.gender, cell.age_band)
    )


# -- targets read from the totals ---------------------------------------------------------------------


def _bands_within(age_min: int | None, age_max: int | None) -> list[str] | None:
    """The age bands that make up exactly this age range, or None when it cuts through a band."""
    low, high = age_min if age_min is not None else 0, age_max if age_max is not None else BANDS[-1][2]
    inside = [band.value for band, band_low, band_high in BANDS if low <= band_low and band_high <= high]
    lows = {band_low for _band, band_low, _high in BANDS}
    highs = {band_high for _band, _low, band_high in BANDS}
    if (age_min is not None and age_min not in lows) or (age_max is not None and age_max not in highs):
        return None
    return inside


def from_cells(target: Target, types: list[str]) -> sa.Select | None:
    """A target of the whole programme counted from the totals, when they can say it exactly: at most
    one event type; people with no lower age limit (a person's band is their age at their first
    event), attendances with an age range made of whole bands (a band at each event), people with at
    least N sessions of one event of one type and no age limit. None: count it from the person rows."""
    measure = Measure(target.measure)
    with_age = target.age_min is not None or target.age_max is not None
    if len(types) > 1 or measure not in (Measure.PEOPLE, Measure.ATTENDANCES, Measure.PEOPLE_MIN_SESSIONS):
        return None
    if measure is Measure.PEOPLE_MIN_SESSIONS and (len(types) != 1 or with_age):
        return None
    if measure is Measure.PEOPLE and target.age_min is not None:
        return None
    bands = _bands_within(target.age_min, target.age_max) if with_age else None
    if with_age and bands is None:
        return None
    cell = ProgrammeCell
    kind = "a" if measure is Measure.ATTENDANCES else "p"
    where = [cell.programme_id == target.programme_id, cell.municipality_id == 0,
             cell.event_type == (types[0] if types else ""), cell.kind == kind]
    if bands is not None:
        where.append(cell.age_band.in_(bands or ["-"]))
    if measure is Measure.PEOPLE_MIN_SESSIONS:
        where.append(cell.best >= (target.min_sessions or 1))
    return _totals(cell, where, _cell_share(target))


def walk_ins(target: Target, bands: list[str] | None) -> sa.Select:
    """A whole-programme target's anonymous walk-ins (no event type: the totals hold none by type),
    from the totals: how many, how many in its share (by what they told at the door; NULL: no
    share) and the sums of their keys. `bands`: those inside the target's age range (None: no range)."""
    cell = ProgrammeCell
    where = [cell.programme_id == target.programme_id, cell.municipality_id == 0, cell.event_type == "",
             cell.kind == walk_in_cells.KIND]
    if bands is not None:
        where.append(cell.age_band.in_(bands or ["-"]))
    return _totals(cell, where, _cell_share(target))


def _cell_share(target: Target):
    """The target's share among the totals' cells (None: no share)."""
    if not (target.share_dimension and target.share_value):
        return None
    return getattr(ProgrammeCell, target.share_dimension) == target.share_value


def _totals(cell, where: list, share) -> sa.Select:
    """How many, how many in the share (NULL: no share), and the sums of their record keys."""

    def in_share(amount, type_):
        if share is None:
            return sa.cast(sa.null(), type_)
        return sa.cast(sa.func.sum(sa.case((share, amount), else_=0)), type_)

    return sa.select(
        sa.cast(sa.func.sum(cell.count), sa.Integer).label("reached"),
        in_share(cell.count, sa.Integer).label("share_count"),
        sa.cast(sa.func.coalesce(sa.func.sum(cell.key_sum), 0), sa.BigInteger).label("reached_keys"),
        in_share(cell.key_sum, sa.BigInteger).label("share_keys"),
    ).where(*where)


def _share(target: Target):
    if not (target.share_dimension and target.share_value):
        return None
    return getattr(_person, target.share_dimension) == target.share_value


def _share_total(amount, target: Target, type_=sa.Integer):
    share = _share(target)
    if share is None:
        return sa.cast(sa.null(), type_)
    return sa.cast(sa.func.sum(sa.case((share, amount), else_=0)), type_)


def _key_sums(amount, target: Target) -> list:
    """The sums of record keys of the whole count and of its share (app/reports/cellkey.py)."""
    keys = amount * _person.record_key
    return [sa.cast(sa.func.coalesce(sa.func.sum(keys), 0), sa.BigInteger).label("reached_keys"),
            _share_total(keys, target, sa.BigInteger).label("share_keys")]


def answers_people(target: Target, types: list[str]) -> bool:
    """Whether the people of this target can be read here: an age range needs the year of each
    event attended (the first year says the youngest age, the last the oldest, not both at once),
    and so does an age limit on some event types only."""
    with_age = target.age_min is not None or target.age_max is not None
    both_ends = target.age_min is not None and target.age_max is not None
    return not both_ends and not (types and with_age)


def people(target: Target, types: list[str]) -> sa.Select:
    where = [_person.programme_id == target.programme_id]
    if types:
        where.append(
            _person.participant_id.in_(
                sa.select(ProgrammeTally.participant_id).where(
                    ProgrammeTally.programme_id == target.programme_id, ProgrammeTally.event_type.in_(types)
                )
            )
        )
    if target.age_max is not None:
        where += [_person.birth_year.is_not(None), _person.first_year - _person.birth_year <= target.age_max]
    if target.age_min is not None:
        where += [_person.birth_year.is_not(None), _person.last_year - _person.birth_year >= target.age_min]
    return sa.select(sa.func.count(), _share_total(1, target), *_key_sums(1, target)).where(*where)


def attendances(target: Target) -> sa.Select:
    """Registered attendances of a target with no event type or age limit."""
    total = sa.cast(sa.func.sum(_all_sessions), sa.Integer)
    of_programme = _person.programme_id == target.programme_id
    return sa.select(total, _share_total(_all_sessions, target), *_key_sums(_all_sessions, target)).where(
        of_programme
    )
