"""Every read of the reports domain. All counting happens in SQL (GROUP BY); Python only receives
aggregated rows, whose number depends on the categories, never on how many people took part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.accounts.models import Municipality, Participant, Role, User
from app.accounts.municipalities import municipalities_for, municipality_ids_for
from app.core.i18n import current_language
from app.core.pagination import Page, paginate
from app.core.translated import CONTENT_LANGUAGES, column_names, pick
from app.events.models import Attendance, AttendanceChannel, AttendanceTally, Event
from app.extensions import db
from app.programmes.covers import programme_ids_covering
from app.programmes.models import Programme
from app.proposals.models import Proposal, ProposalCall, ProposalMember, ProposalStatus, Support
from app.reports import whole_programme
from app.reports.bands import BANDS, band_of, year_of
from app.reports.links import programme_call_ids, programme_event_ids
from app.reports.models import WALK_IN_MEASURES, Measure, ProgrammeTally, Target

DIMENSIONS = ("gender", "origin", "age_band", "country")


@dataclass(frozen=True)
class ReportFilters:
    """What a report counts. `scope` is the set of municipalities the viewer may see (None: all)."""

    scope: frozenset[int] | None = None
    programme_id: int | None = None
    municipality_id: int | None = None
    event_type: str | None = None
    event_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _period(column, date_from: date | None, date_to: date | None) -> list:
    conditions = []
    if date_from:
        conditions.append(column >= _start_of(date_from))
    if date_to:
        conditions.append(column < _start_of(date_to + timedelta(days=1)))
    return conditions


def _event_conditions(filters: ReportFilters) -> list:
    conditions = _period(Event.starts_at, filters.date_from, filters.date_to)
    if filters.scope is not None:
        conditions.append(Event.municipality_id.in_(sorted(filters.scope) or [-1]))
    if filters.programme_id:
        conditions.append(Event.id.in_(programme_event_ids(filters.programme_id)))
    if filters.municipality_id:
        conditions.append(Event.municipality_id == filters.municipality_id)
    if filters.event_type:
        conditions.append(Event.event_type == filters.event_type)
    if filters.event_id:
        conditions.append(Event.id == filters.event_id)
    return conditions


# -- what a person is, as the reports see them ----------------------------------------------------
# Participation data counts only while the person's consent is recorded; without it they are
# "not recorded" in every breakdown (but still counted).

_consented = Participant.consent_at.is_not(None)
_anonymous = Attendance.participant_id.is_(None)


_year = year_of


def _age(year) -> sa.ColumnElement:
    """Age in whole years in `year` (the year of the event), from the birth year (all we keep)."""
    return year - Participant.birth_year


def _person_band(year) -> sa.ColumnElement:
    return sa.case(
        (sa.and_(_consented, Participant.birth_year.is_not(None)), band_of(_age(year))), else_=None
    )


def _person(attribute) -> sa.ColumnElement:
    return sa.case((_consented, attribute), else_=None)


def _events_by_year(conditions: list):
    """The selected events with the year each took place, computed once per event, not per row."""
    return (
        sa.select(Event.id.label("event_id"), _year(Event.starts_at).label("year"))
        .where(*conditions)
        .subquery("selected_events")
    )


def _per_person_and_year(conditions: list, name: str | None = None):
    """Registered attendances counted per person and year of the event: one pass over the attendance
    tally (one narrow row per person and event, app/events/tally.py, about half as many rows as the
    attendances), on integer keys, before any person's details are joined. A CTE when `name` is given."""
    events = _events_by_year(conditions)
    statement = (
        sa.select(
            AttendanceTally.participant_id.label("participant_id"),
            events.c.year.label("year"),
            sa.func.sum(AttendanceTally.sessions).label("n"),
        )
        .join(events, events.c.event_id == AttendanceTally.event_id)
        .group_by(AttendanceTally.participant_id, events.c.year)
    )
    return statement.cte(name) if name else statement.subquery()


def _rolled_up_per_person_and_year(
    programme_id: int,
    scope: frozenset[int] | None = None,
    municipality_id: int | None = None,
    event_types: list[str] | None = None,
    name: str | None = None,
):
    """The same rows as `_per_person_and_year` for a whole programme (no event or period chosen),
    from the programme roll-up: a few rows per person instead of one per event they attended."""
    rolled = ProgrammeTally
    where = [rolled.programme_id == programme_id]
    if scope is not None:
        where.append(rolled.municipality_id.in_(sorted(scope) or [-1]))
    if municipality_id:
        where.append(rolled.municipality_id == municipality_id)
    if event_types:
        where.append(rolled.event_type.in_(event_types))
    statement = (
        sa.select(
            rolled.participant_id.label("participant_id"),
            rolled.year.label("year"),
            sa.func.sum(rolled.sessions).label("n"),
        )
        .where(*where)
        .group_by(rolled.participant_id, rolled.year)
    )
    return statement.cte(name) if name else statement.subquery()


def _report_per_person_and_year(filters: ReportFilters, conditions: list, name: str):
    if filters.programme_id and not (filters.event_id or filters.date_from or filters.date_to):
        types = [filters.event_type] if filters.event_type else None
        return _rolled_up_per_person_and_year(
            filters.programme_id, filters.scope, filters.municipality_id, types, name=name
        )
    return _per_person_and_year(conditions, name=name)


def _whole_programme(filters: ReportFilters) -> tuple[bool, int | None]:
    """Whether the report is a whole programme, or one municipality's part of it (its second
    value), with no event, type or period chosen: then it is read from one row per person."""
    narrowed = (filters.event_type, filters.event_id, filters.date_from, filters.date_to)
    if not filters.programme_id or any(narrowed):
        return False, None
    municipality = filters.municipality_id
    if filters.scope is None:
        return True, municipality
    if municipality is None and len(filters.scope) == 1:
        municipality = next(iter(filters.scope))
    if municipality is not None:
        return municipality in filters.scope, municipality
    # Several municipalities seen: the whole programme's figures when none of its events is elsewhere.
    elsewhere = sa.select(Event.id).where(
        Event.id.in_(programme_event_ids(filters.programme_id)),
        Event.municipality_id.not_in(sorted(filters.scope)),
    )
    return db.session.scalar(elsewhere.limit(1)) is None, None


def key_sum(keys) -> sa.ColumnElement:
    """The sum of record keys beside a COUNT (as a big integer on every branch of a UNION); its
    remainder modulo 256 is the figure's cell key."""
    return sa.cast(sa.func.coalesce(sa.func.sum(keys), 0), sa.BigInteger)


def _dimensions(year) -> list:
    return [
        _person(Participant.gender).label("gender"),
        _person(Participant.origin).label("origin"),
        _person_band(year).label("age_band"),
        _person(Participant.country_code).label("country"),
    ]


def report_cubes(filters: ReportFilters) -> tuple[list[sa.Row], list[sa.Row]]:
    """(people, attendances) in one statement and one pass over the attendances.

    Attendances are grouped by gender, origin, age band at the event, country and walk-in or not
    (registered people's attendances, then anonymous walk-ins with what they told at the door).
    Distinct people are grouped the same way, walk-ins left out (they cannot be counted once); a
    person's age band is their age at the first event they attended in the selection. Each row:
    gender, origin, age_band, country, walk_in, count, key_sum, kind ("a" or "p"); `key_sum` is
    the sum of the row's record keys, from which its cell key comes (app/reports/cellkey.py)."""
    conditions = _event_conditions(filters)
    whole, municipality = _whole_programme(filters)
    if whole:
        *attendances, people = whole_programme.cubes(filters.programme_id, municipality)
    else:
        registered, people = _registered_and_people(filters, conditions)
        attendances = [*registered, _walk_ins(conditions)]
    rows = db.session.execute(sa.union_all(*attendances, people)).all()
    return [row for row in rows if row.kind == "p"], [row for row in rows if row.kind == "a"]


def sex_age_rows(filters: ReportFilters) -> list[sa.Row]:
    """Distinct people by gender and age in whole years at the first event they attended in the
    selection (NULL: not recorded), with the sum of their record keys: (gender, age, count,
    key_sum). At most a few hundred rows whatever the number of people; the bands are summed from
    them (app/reports/sex_age.py), walk-ins left out as everywhere people are counted."""
    whole, municipality = _whole_programme(filters)
    if whole:
        statement = whole_programme.sex_age(filters.programme_id, municipality)
    else:
        per = _report_per_person_and_year(filters, _event_conditions(filters), name="per_person_year")
        first = (
            sa.select(per.c.participant_id, sa.func.min(per.c.year).label("first_year"))
            .group_by(per.c.participant_id)
            .subquery()
        )
        gender = _person(Participant.gender)
        age = sa.case(
            (sa.and_(_consented, Participant.birth_year.is_not(None)), _age(first.c.first_year)), else_=None
        )
        statement = (
            sa.select(gender, age, sa.cast(sa.func.count(), sa.Integer), key_sum(Participant.record_key))
            .select_from(first)
            .join(Participant, Participant.id == first.c.participant_id)
            .group_by(gender, age)
        )
    return db.session.execute(statement).all()


def _registered_and_people(filters: ReportFilters, conditions: list) -> tuple[list[sa.Select], sa.Select]:
    per = _report_per_person_and_year(filters, conditions, name="per_person_year")
    attendance_dimensions = _dimensions(per.c.year)
    registered = (
        sa.select(
            *attendance_dimensions,
            sa.literal(False).label("walk_in"),
            sa.cast(sa.func.sum(per.c.n), sa.Integer).label("count"),
            key_sum(per.c.n * Participant.record_key).label("key_sum"),
            sa.literal("a").label("kind"),
        )
        .select_from(per)
        .join(Participant, Participant.id == per.c.participant_id)
        .group_by(*attendance_dimensions)
    )
    first = (
        sa.select(per.c.participant_id, sa.func.min(per.c.year).label("first_year"))
        .group_by(per.c.participant_id)
        .subquery()
    )
    people_dimensions = _dimensions(first.c.first_year)
    people = (
        sa.select(
            *people_dimensions,
            sa.literal(False),
            sa.cast(sa.func.count(), sa.Integer),
            key_sum(Participant.record_key),
            sa.literal("p"),
        )
        .select_from(first)
        .join(Participant, Participant.id == first.c.participant_id)
        .group_by(*people_dimensions)
    )
    return [registered], people


def _walk_ins(conditions: list) -> sa.Select:
    """Anonymous walk-ins' attendances, with what they told at the door."""
    anonymous = [Attendance.anonymous_gender, Attendance.anonymous_origin, Attendance.anonymous_age_band]
    return (
        sa.select(
            *anonymous,
            sa.cast(sa.null(), sa.String),
            sa.literal(True),
            sa.cast(sa.func.count(), sa.Integer),
            key_sum(Attendance.record_key),
            sa.literal("a"),
        )
        .join(Event, Event.id == Attendance.event_id)
        .where(_anonymous, *conditions)
        .group_by(*anonymous)
    )


def paper_attendances(filters: ReportFilters) -> tuple[int, int]:
    """(count, key sum) of the attendances typed in from paper sheets (app/events/services/paper.py)
    in the report's events: the rest were taken at the door. Few rows, found by their index."""
    count, keys = db.session.execute(
        sa.select(sa.func.count(), key_sum(Attendance.record_key))
        .select_from(Attendance)
        .join(Event, Event.id == Attendance.event_id)
        .where(Attendance.channel == AttendanceChannel.PAPER, *_event_conditions(filters))
    ).one()
    return count or 0, keys or 0


def tune_for_aggregates() -> None:
    """PostgreSQL: enough memory for the report's hash aggregates not to spill to disk, and no JIT
    compilation (it costs more than it saves on these queries); for this transaction only."""
    if db.engine.dialect.name != "postgresql":
        return
    session = db.session()  # the request's Session itself (the scoped proxy has no get_transaction)
    transaction = session.get_transaction() or session.begin()
    if session.info.get("jiwar_tuned_for") is transaction:  # once per transaction is enough
        return
    session.execute(sa.text("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)"))
    session.info["jiwar_tuned_for"] = transaction


# -- targets ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    reached: int
    share_count: int | None  # how many of them are in the share ("women"), when the target has one
    reached_keys: int = 0  # the sums of their record keys (app/reports/cellkey.py)
    share_keys: int = 0
    # Who the measure cannot name: anonymous walk-ins' attendances (distinct people), proposals with
    # no known author (people who proposed); None for the other measures. Added to `reached` or
    # left out by the target's rule (Target.walk_ins_as_people), and shown beside it either way.
    unnamed: int | None = None
    unnamed_keys: int = 0


def _age_conditions(target: Target, year) -> list:
    conditions = []
    if target.age_min is not None or target.age_max is not None:
        conditions += [_consented, Participant.birth_year.is_not(None)]
        if target.age_min is not None:
            conditions.append(_age(year) >= target.age_min)
        if target.age_max is not None:
            conditions.append(_age(year) <= target.age_max)
    return conditions


def _walk_in_bands(target: Target) -> list[str]:
    """Walk-ins carry only a band: they count for an age range when their whole band lies inside."""
    low = target.age_min if target.age_min is not None else 0
    high = target.age_max if target.age_max is not None else 150
    return [band.value for band, band_low, band_high in BANDS if band_low >= low and band_high <= high]


def _share_condition(target: Target):
    if not (target.share_dimension and target.share_value):
        return None
    return sa.and_(_consented, getattr(Participant, target.share_dimension) == target.share_value)


def _target_types(target: Target) -> list[str]:
    return [value for value in target.event_types.split(",") if value]


def _target_events(target: Target, date_from, date_to) -> list:
    conditions = [Event.id.in_(programme_event_ids(target.programme_id))]
    conditions += _period(Event.starts_at, date_from, date_to)
    types = _target_types(target)
    if types:
        conditions.append(Event.event_type.in_(types))
    return conditions


def _target_per_person_and_year(target: Target, events: list, date_from, date_to):
    if date_from or date_to:
        return _per_person_and_year(events)
    return _rolled_up_per_person_and_year(target.programme_id, event_types=_target_types(target))


def _people(person, share, joined, conditions: list, key=Participant.record_key) -> sa.Select:
    """How many distinct people, how many of them are in the share, and the sums of their record
    keys (`key`: the person's record key): one group per person first (a hash aggregate), which is
    much faster than COUNT(DISTINCT ...) (a sort) on large tables."""
    in_share = sa.literal(0) if share is None else sa.func.max(sa.case((share, 1), else_=0))
    each = (
        sa.select(
            person.label("person"),
            in_share.label("in_share"),
            sa.func.max(key).label("record_key"),
        )
        .select_from(joined)
        .where(*conditions)
        .group_by(person)
        .subquery()
    )
    share_total = sa.cast(sa.null(), sa.Integer) if share is None else sa.func.sum(each.c.in_share)
    return sa.select(
        sa.func.count(),
        sa.cast(share_total, sa.Integer),
        key_sum(each.c.record_key).label("reached_keys"),
        key_sum(each.c.in_share * each.c.record_key).label("share_keys"),
    ).select_from(each)


def _sum_share(amount, condition, type_=sa.Integer):
    if condition is None:
        return sa.cast(sa.null(), type_)
    return sa.cast(sa.func.sum(sa.case((condition, amount), else_=0)), type_)


def target_progress(target: Target, date_from: date | None = None, date_to: date | None = None) -> Progress:
    """One query per target, whatever the amount of data."""
    measure = Measure(target.measure)
    if measure in (Measure.PEOPLE_REFERRED, Measure.REFERRALS_COMPLETED):
        from app.reports import desk_visits  # it reads this module's helpers

        desk_query = (
            desk_visits.people_referred
            if measure is Measure.PEOPLE_REFERRED
            else desk_visits.referrals_completed
        )
        return _progress(desk_query(target, date_from, date_to))
    share = _share_condition(target)
    events = _target_events(target, date_from, date_to)

    types = _target_types(target)
    whole = not (date_from or date_to)
    totals = whole_programme.from_cells(target, types) if whole else None
    if measure is Measure.PEOPLE:
        progress = _progress(totals) if totals is not None else _people_progress(
            target, share, events, date_from, date_to)
        return _with_unnamed(progress, target, _walk_ins_count(target, events, whole and not types))
    if measure is Measure.PROPOSERS:
        return _with_unnamed(_progress(_proposers(target, share, date_from, date_to)), target,
                             _unnamed_proposals(target, date_from, date_to))
    if measure is Measure.PEOPLE_MIN_SESSIONS and totals is not None:
        return _progress(totals)
    if measure is Measure.ATTENDANCES:
        with_age = target.age_min is not None or target.age_max is not None
        if totals is not None:
            registered = totals
        elif whole and not types and not with_age:
            registered = whole_programme.attendances(target)
        else:
            per = _target_per_person_and_year(target, events, date_from, date_to)
            keys = per.c.n * Participant.record_key
            registered = (
                sa.select(
                    sa.cast(sa.func.sum(per.c.n), sa.Integer),
                    _sum_share(per.c.n, share),
                    key_sum(keys),
                    _sum_share(keys, share, sa.BigInteger),
                )
                .select_from(per)
                .join(Participant, Participant.id == per.c.participant_id)
                .where(*_age_conditions(target, per.c.year))
            )
        walk_ins = _walk_ins_of_target(target, events, whole and not types)
        return _sum_of(db.session.execute(sa.union_all(registered, walk_ins)).all(), share)
    elif measure is Measure.PEOPLE_MIN_SESSIONS:
        # The tally holds the sessions each person attended per event: no grouping needed.
        events_by_year = _events_by_year(events)
        trained = (
            sa.select(AttendanceTally.participant_id.label("participant_id"), events_by_year.c.year)
            .join(events_by_year, events_by_year.c.event_id == AttendanceTally.event_id)
            .where(AttendanceTally.sessions >= (target.min_sessions or 1))
            .subquery()
        )
        statement = _people(
            trained.c.participant_id,
            share,
            sa.join(trained, Participant, Participant.id == trained.c.participant_id),
            _age_conditions(target, trained.c.year),
        )
    elif measure is Measure.PROPOSALS:
        statement = (
            sa.select(
                sa.func.count(Proposal.id),
                _sum_share(1, share),
                key_sum(Participant.record_key).label("reached_keys"),
                _sum_share(Participant.record_key, share, sa.BigInteger).label("share_keys"),
            )
            .select_from(Proposal)
            .join(ProposalCall, ProposalCall.id == Proposal.call_id)
            .outerjoin(Participant, Participant.id == Proposal.participant_id)
            .where(
                ProposalCall.id.in_(programme_call_ids(target.programme_id)),
                Proposal.status != ProposalStatus.WITHDRAWN,
                Proposal.is_hidden.is_(False),
                *_period(Proposal.created_at, date_from, date_to),
                *_age_conditions(target, _year(Proposal.created_at)),
            )
        )
    else:  # Measure.SUPPORTERS
        joined = (
            sa.join(Support, ProposalCall, ProposalCall.id == Support.call_id)
            .join(User, User.id == Support.user_id)
            .join(Participant, Participant.id == User.participant_id)
        )
        statement = _people(
            Support.user_id,
            share,
            joined,
            [
                ProposalCall.id.in_(programme_call_ids(target.programme_id)),
                *_period(Support.created_at, date_from, date_to),
                *_age_conditions(target, _year(Support.created_at)),
            ],
        )
    return _progress(statement)


def _people_progress(target: Target, share, events: list, date_from, date_to) -> Progress:
    types = _target_types(target)
    if not (date_from or date_to) and whole_programme.answers_people(target, types):
        return _progress(whole_programme.people(target, types))
    per = _target_per_person_and_year(target, events, date_from, date_to)
    return _progress(_people(
        per.c.participant_id,
        share,
        sa.join(per, Participant, Participant.id == per.c.participant_id),
        _age_conditions(target, per.c.year),
    ))


def _walk_ins_of_target(target: Target, events: list, from_totals: bool) -> sa.Select:
    """Anonymous walk-ins' attendances at the target's events (in its age range when the whole of
    their band lies inside): how many, how many in its share (by what they told at the door; NULL:
    no share) and the sums of their keys. A whole programme's with no event type come from the
    totals (app/reports/walk_in_cells.py) instead of every walk-in's row."""
    with_age = target.age_min is not None or target.age_max is not None
    if from_totals:
        return whole_programme.walk_ins(target, _walk_in_bands(target) if with_age else None)
    share = None
    if target.share_dimension and target.share_value:
        column = {"gender": Attendance.anonymous_gender, "origin": Attendance.anonymous_origin}
        share = column[target.share_dimension] == target.share_value
    bands = [Attendance.anonymous_age_band.in_(_walk_in_bands(target) or ["-"])] if with_age else []
    return (
        sa.select(
            sa.cast(sa.func.count(), sa.Integer).label("reached"),
            _sum_share(1, share).label("share_count"),
            key_sum(Attendance.record_key).label("reached_keys"),
            _sum_share(Attendance.record_key, share, sa.BigInteger).label("share_keys"),
        )
        .select_from(Attendance)
        .join(Event, Event.id == Attendance.event_id)
        .where(_anonymous, *events, *bands)
    )


def _walk_ins_count(target: Target, events: list, from_totals: bool) -> sa.Select:
    """The walk-ins of a target of people (they hold no share): how many, and the sum of their keys."""
    walk_ins = _walk_ins_of_target(target, events, from_totals).subquery()
    return sa.select(walk_ins.c.reached, walk_ins.c.reached_keys)


def _proposal_conditions(target: Target, date_from, date_to) -> list:
    return [
        ProposalCall.id.in_(programme_call_ids(target.programme_id)),
        Proposal.status != ProposalStatus.WITHDRAWN,
        Proposal.is_hidden.is_(False),
        *_period(Proposal.created_at, date_from, date_to),
    ]


def _proposers(target: Target, share, date_from, date_to) -> sa.Select:
    """Distinct people who proposed, once each: the author of each proposal or the card holder an
    organiser entered it for, and the members with a card recorded for a group proposal."""
    conditions = _proposal_conditions(target, date_from, date_to)
    authors = (
        sa.select(Proposal.participant_id.label("participant_id"), Proposal.created_at.label("created_at"))
        .join(ProposalCall, ProposalCall.id == Proposal.call_id)
        .where(Proposal.participant_id.is_not(None), *conditions)
    )
    members = (
        sa.select(ProposalMember.participant_id, Proposal.created_at)
        .join(Proposal, Proposal.id == ProposalMember.proposal_id)
        .join(ProposalCall, ProposalCall.id == Proposal.call_id)
        .where(*conditions)
    )
    proposed = sa.union_all(authors, members).subquery()
    return _people(
        proposed.c.participant_id,
        share,
        sa.join(proposed, Participant, Participant.id == proposed.c.participant_id),
        _age_conditions(target, _year(proposed.c.created_at)),
    )


def _unnamed_proposals(target: Target, date_from, date_to) -> sa.Select:
    """People who proposed with no card to count them once by: a group's members without a card,
    and the one unknown author of a proposal that names nobody (a paper form, or a group with no
    card and no member given). They are left out of the figure, shown beside it: the same seven
    without a card may come back with a second group proposal. Proposals hold no record key;
    their ids stand in, once per person (the proposals themselves are public)."""
    names_nobody = sa.and_(
        Proposal.participant_id.is_(None),
        Proposal.members_without_card == 0,
        ~sa.exists().where(ProposalMember.proposal_id == Proposal.id),
    )
    each = Proposal.members_without_card + sa.case((names_nobody, 1), else_=0)
    return (
        sa.select(sa.cast(sa.func.coalesce(sa.func.sum(each), 0), sa.Integer), key_sum(Proposal.id * each))
        .select_from(Proposal)
        .join(ProposalCall, ProposalCall.id == Proposal.call_id)
        .where(*_proposal_conditions(target, date_from, date_to))
    )


def _with_unnamed(progress: Progress, target: Target, unnamed: sa.Select) -> Progress:
    """The progress with its unnamed count beside it, added to what is reached when the target's
    rule counts walk-ins as people (they hold no share: gender and origin at the door are not
    the person's own record)."""
    count, keys = db.session.execute(unnamed).one()
    count, keys = int(count or 0), int(keys or 0)
    if target.walk_ins_as_people and Measure(target.measure) in WALK_IN_MEASURES:
        return Progress(progress.reached + count, progress.share_count, progress.reached_keys + keys,
                        progress.share_keys, count, keys)
    return Progress(progress.reached, progress.share_count, progress.reached_keys, progress.share_keys,
                    count, keys)


def _sum_of(rows, share) -> Progress:
    """An attendance target's progress from its registered and walk-in rows."""
    reached = sum(row[0] or 0 for row in rows)
    share_count = None if share is None else sum(row[1] or 0 for row in rows)
    return Progress(
        int(reached),
        None if share_count is None else int(share_count),
        sum(int(row[2] or 0) for row in rows),
        sum(int(row[3] or 0) for row in rows),
    )


def _progress(statement) -> Progress:
    """A target's progress from its one query: reached, in the share (NULL: no share), key sums."""
    reached, share_count, reached_keys, share_keys = db.session.execute(statement).one()
    return Progress(
        int(reached or 0),
        None if share_count is None else int(share_count),
        int(reached_keys or 0),
        int(share_keys or 0),
    )


# -- programmes -------------------------------------------------------------------------------------


def organiser_scope(user) -> frozenset[int] | None:
    """The municipalities whose figures a person may see in reports: None means all (administrators)."""
    ids = municipality_ids_for(user, Role.ORGANISER)
    return None if ids is None else frozenset(ids)


def visible_programmes(user, page: int) -> Page:
    statement = sa.select(Programme).order_by(Programme.starts_on.desc(), Programme.id.desc())
    if not (user.is_authenticated and user.is_admin):
        scope = organiser_scope(user) if user.is_authenticated else frozenset()
        mine = programme_ids_covering(scope)
        statement = statement.where(sa.or_(Programme.is_public.is_(True), Programme.id.in_(mine)))
    return paginate(statement, page)


def get_programme(programme_id: int) -> Programme | None:
    return db.session.get(Programme, programme_id)


def programme_age_bands(programme_id: int) -> str:
    """The programme's own age bands as stored ("" when none), without loading the programme."""
    return db.session.scalar(sa.select(Programme.age_bands).where(Programme.id == programme_id)) or ""


def get_target(programme: Programme, target_id: int) -> Target | None:
    target = db.session.get(Target, target_id)
    return target if target is not None and target.programme_id == programme.id else None


def programme_choices(user) -> list[tuple[int, str]]:
    """(id, name in the reader's language), sorted by that name."""
    statement = sa.select(Programme.id, *(getattr(Programme, name) for name in column_names("name")))
    scope = organiser_scope(user)
    if scope is not None:
        mine = programme_ids_covering(scope)
        statement = statement.where(Programme.id.in_(mine))
    language = current_language()
    choices = [
        (row.id, pick({code: row._mapping[f"name_{code}"] for code in CONTENT_LANGUAGES}, language).text)
        for row in db.session.execute(statement)
    ]
    return sorted(choices, key=lambda choice: (choice[1].casefold(), choice[0]))


def municipality_choices(user) -> list[Municipality]:
    return municipalities_for(user, Role.ORGANISER)


EVENT_CHOICES_LIMIT = 300
# The report's event select: a list a person can scan on a phone (300 options were also a third of the
# report's rendering); the dates above it reach the others.
REPORT_EVENT_CHOICES = 40


@dataclass(frozen=True)
class EventChoices:
    choices: list[tuple[int, str]]  # (id, "title · date"), the latest first
    more: bool  # the filters leave more events than are listed


def event_choices(narrowing: ReportFilters, language: str, chosen: int | None = None) -> EventChoices:
    """The events the report's other filters leave (`narrowing`: its programme, municipality, kind
    and period, within the person's scope), the most recent first and at most REPORT_EVENT_CHOICES of
    them, as (id, "title · date") read as plain columns. The event already `chosen` stays listed
    whatever the other filters say, if it is in the person's scope: changing the programme never
    turns a choice into an error, and an event older than the limit can still be chosen."""
    listed = sa.and_(sa.true(), *_event_conditions(narrowing))
    if chosen is not None:
        in_scope = _event_conditions(ReportFilters(scope=narrowing.scope, event_id=chosen))
        listed = sa.or_(listed, sa.and_(*in_scope))
    statement = (
        sa.select(Event.id, Event.title_fr, Event.title_ar, Event.title_en, Event.starts_at)
        .where(listed)
        .order_by((Event.id == (chosen or -1)).desc(), Event.starts_at.desc(), Event.id.desc())
        .limit(REPORT_EVENT_CHOICES + 1)  # one more than listed says whether there are more
    )
    titles = {"fr": 1, "ar": 2, "en": 3}
    first = titles.get(language, 1)
    found = list(db.session.execute(statement))
    rows = sorted(found[:REPORT_EVENT_CHOICES], key=lambda row: (row[4], row[0]), reverse=True)
    choices = [
        (row[0], f"{row[first] or row[1] or row[2] or row[3] or ''} · {row[4].date().isoformat()}")
        for row in rows
    ]
    return EventChoices(choices, more=len(found) > REPORT_EVENT_CHOICES)


def attached_events(programme: Programme, page: int) -> Page:
    statement = (
        sa.select(Event)
        .where(Event.id.in_(programme_event_ids(programme.id)))
        .order_by(Event.starts_at.desc(), Event.id)
    )
    return paginate(statement, page)


def attachable_events(programme: Programme) -> list[Event]:
    """Events of the programme's municipalities not yet counting towards it (those of another
    programme included: they would then count towards both), most recent first."""
    ids = [m.id for m in programme.municipalities] or [-1]
    statement = (
        sa.select(Event)
        .where(Event.municipality_id.in_(ids), Event.id.not_in(programme_event_ids(programme.id)))
        .order_by(Event.starts_at.desc())
        .limit(EVENT_CHOICES_LIMIT)
    )
    return list(db.session.scalars(statement))


def attached_calls(programme: Programme) -> list[ProposalCall]:
    statement = (
        sa.select(ProposalCall)
        .where(ProposalCall.id.in_(programme_call_ids(programme.id)))
        .order_by(ProposalCall.submission_opens_at.desc())
    )
    return list(db.session.scalars(statement))


def attachable_calls(programme: Programme) -> list[ProposalCall]:
    ids = [m.id for m in programme.municipalities] or [-1]
    statement = (
        sa.select(ProposalCall)
        .where(
            ProposalCall.municipality_id.in_(ids),
            ProposalCall.id.not_in(programme_call_ids(programme.id)),
        )
        .order_by(ProposalCall.submission_opens_at.desc())
        .limit(EVENT_CHOICES_LIMIT)
    )
    return list(db.session.scalars(statement))


def all_municipalities() -> list[Municipality]:
    return list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name_fr)))
