"""Reads of a whole programme, or one municipality's part of it (no event, period or type chosen),
from its one row per person (ProgrammePerson, MunicipalityPerson: app/reports/rollups.py):
distinct people are then counted without grouping every attendance by person first. The rows hold
only what reports may say of a person (empty without consent), so no participant row is joined.
Each function answers what its counterpart in app/reports/queries.py answers from the tallies, and
tests/reports/test_rollups.py compares the two."""

from __future__ import annotations

import sqlalchemy as sa

from app.reports.bands import band_of
from app.reports.models import MunicipalityPerson, ProgrammePerson, ProgrammeTally, Target
from app.reports.rollups import SESSIONS_BY_BAND

_person = ProgrammePerson
_all_sessions = sum(
    (getattr(_person, name) for name in [*SESSIONS_BY_BAND.values(), "sessions_unknown"]), sa.literal(0)
)


def cubes(programme_id: int, municipality_id: int | None = None) -> list[sa.Select]:
    """The registered attendances by gender, origin, age band at the event and country, then the
    distinct people by the same (age band at their first event), as report_cubes' rows; of the
    programme's events in one municipality when `municipality_id` is given."""
    person = _person if municipality_id is None else MunicipalityPerson
    selected = [person.programme_id == programme_id]
    if municipality_id is not None:
        selected.append(MunicipalityPerson.municipality_id == municipality_id)
    groups = (person.gender, person.origin, person.country)
    by_group = (
        sa.select(
            *groups,
            *[sa.func.sum(getattr(person, name)).label(name) for name in SESSIONS_BY_BAND.values()],
            sa.func.sum(person.sessions_unknown).label("sessions_unknown"),
            *[
                sa.func.sum(getattr(person, name) * person.record_key).label(f"key_{name}")
                for name in [*SESSIONS_BY_BAND.values(), "sessions_unknown"]
            ],
        )
        .where(*selected)
        .group_by(*groups)
        .cte("attendances_by_group")
    )
    bands = [*SESSIONS_BY_BAND.items(), (None, "sessions_unknown")]
    registered = [
        sa.select(
            by_group.c.gender,
            by_group.c.origin,
            (sa.literal(band, sa.String) if band else sa.cast(sa.null(), sa.String)).label("age_band"),
            by_group.c.country,
            sa.literal(False).label("walk_in"),
            sa.cast(by_group.c[name], sa.Integer).label("count"),
            sa.cast(by_group.c[f"key_{name}"], sa.BigInteger).label("key_sum"),
            sa.literal("a").label("kind"),
        ).where(by_group.c[name] > 0)
        for band, name in bands
    ]
    age = person.first_year - person.birth_year
    band = sa.case((person.birth_year.is_not(None), band_of(age)), else_=None)
    people = (
        sa.select(
            person.gender, person.origin, band, person.country, sa.literal(False),
            sa.cast(sa.func.count(), sa.Integer), sa.cast(sa.func.sum(person.record_key), sa.BigInteger),
            sa.literal("p"),
        )
        .where(*selected)
        .group_by(person.gender, person.origin, band, person.country)
    )
    return [*registered, people]


def person_rows(municipality_id: int | None):
    """The one-row-per-person roll-up of a whole programme, or of one municipality's part of it."""
    return _person if municipality_id is None else MunicipalityPerson


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
