"""Every read of the reports domain. All counting happens in SQL (GROUP BY); Python only receives
aggregated rows, whose number depends on the categories, never on how many people took part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.accounts.models import Municipality, Participant, Role, User
from app.core.pagination import Page, paginate
from app.events.models import AgeBand, Attendance, Event
from app.extensions import db
from app.proposals.models import Proposal, ProposalCall, ProposalStatus, Support
from app.reports.models import Measure, Programme, Target, programme_municipality

DIMENSIONS = ("gender", "origin", "age_band", "country")
# Band bounds in years, the same bands walk-ins are recorded in (app.events.models.AgeBand).
BANDS = ((AgeBand.CHILD, 0, 14), (AgeBand.YOUTH, 15, 24), (AgeBand.ADULT, 25, 59), (AgeBand.SENIOR, 60, 150))


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
        conditions.append(Event.programme_id == filters.programme_id)
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


def _age_at(moment) -> sa.ColumnElement:
    """Age in whole years at the date of the event, from the birth year (the only thing we keep)."""
    return sa.cast(sa.extract("year", moment), sa.Integer) - Participant.birth_year


def _band_of(age) -> sa.ColumnElement:
    return sa.case(*[(age <= high, band.value) for band, _, high in BANDS[:-1]], else_=BANDS[-1][0].value)


def _person_band(moment) -> sa.ColumnElement:
    return sa.case(
        (sa.and_(_consented, Participant.birth_year.is_not(None)), _band_of(_age_at(moment))), else_=None
    )


def _person(attribute) -> sa.ColumnElement:
    return sa.case((_consented, attribute), else_=None)


def _attendee(attribute, anonymous_attribute) -> sa.ColumnElement:
    """A registered person's consented value, or the walk-in's anonymous one."""
    return sa.case((_anonymous, anonymous_attribute), (_consented, attribute), else_=None)


def attendance_cube(filters: ReportFilters) -> list[sa.Row]:
    """Attendances grouped by gender, origin, age band at the event, country and walk-in or not."""
    gender = _attendee(Participant.gender, Attendance.anonymous_gender).label("gender")
    origin = _attendee(Participant.origin, Attendance.anonymous_origin).label("origin")
    band = sa.case((_anonymous, Attendance.anonymous_age_band), else_=_person_band(Event.starts_at))
    band = band.label("age_band")
    country = _person(Participant.country_code).label("country")
    walk_in = sa.case((_anonymous, True), else_=False).label("walk_in")
    statement = (
        sa.select(gender, origin, band, country, walk_in, sa.func.count().label("count"))
        .select_from(Attendance)
        .join(Event, Event.id == Attendance.event_id)
        .outerjoin(Participant, Participant.id == Attendance.participant_id)
        .where(*_event_conditions(filters))
        .group_by(gender, origin, band, country, walk_in)
    )
    return db.session.execute(statement).all()


def people_cube(filters: ReportFilters) -> list[sa.Row]:
    """Distinct people (walk-ins are not people we can count once) grouped the same way; a person's
    age band is their age at the first event they attended in the selection."""
    first = (
        sa.select(
            Attendance.participant_id.label("participant_id"),
            sa.func.min(Event.starts_at).label("first_at"),
        )
        .join(Event, Event.id == Attendance.event_id)
        .where(Attendance.participant_id.is_not(None), *_event_conditions(filters))
        .group_by(Attendance.participant_id)
        .subquery()
    )
    gender = _person(Participant.gender).label("gender")
    origin = _person(Participant.origin).label("origin")
    band = _person_band(first.c.first_at).label("age_band")
    country = _person(Participant.country_code).label("country")
    statement = (
        sa.select(gender, origin, band, country, sa.func.count().label("count"))
        .select_from(first)
        .join(Participant, Participant.id == first.c.participant_id)
        .group_by(gender, origin, band, country)
    )
    return db.session.execute(statement).all()


# -- targets ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    reached: int
    share_count: int | None  # how many of them are in the share ("women"), when the target has one


def _age_conditions(target: Target, moment) -> list:
    conditions = []
    if target.age_min is not None or target.age_max is not None:
        age = _age_at(moment)
        conditions += [_consented, Participant.birth_year.is_not(None)]
        if target.age_min is not None:
            conditions.append(age >= target.age_min)
        if target.age_max is not None:
            conditions.append(age <= target.age_max)
    return conditions


def _walk_in_bands(target: Target) -> list[str]:
    """Walk-ins carry only a band: they count for an age range when their whole band lies inside."""
    low = target.age_min if target.age_min is not None else 0
    high = target.age_max if target.age_max is not None else 150
    return [band.value for band, band_low, band_high in BANDS if band_low >= low and band_high <= high]


def _share_condition(target: Target, anonymous_columns: dict | None = None):
    if not (target.share_dimension and target.share_value):
        return None
    attribute = getattr(Participant, target.share_dimension)
    person = sa.and_(_consented, attribute == target.share_value)
    if anonymous_columns is None:
        return person
    anonymous = anonymous_columns[target.share_dimension] == target.share_value
    return sa.case((_anonymous, anonymous), else_=person)


def _target_events(target: Target, date_from, date_to) -> list:
    conditions = [Event.programme_id == target.programme_id]
    conditions += _period(Event.starts_at, date_from, date_to)
    types = [value for value in target.event_types.split(",") if value]
    if types:
        conditions.append(Event.event_type.in_(types))
    return conditions


def target_progress(target: Target, date_from: date | None = None, date_to: date | None = None) -> Progress:
    """One query per target, whatever the amount of data."""
    measure = Measure(target.measure)
    share = _share_condition(target)
    person_id = Attendance.participant_id

    def distinct(column, condition):
        if condition is None:
            return sa.literal(None)
        return sa.func.count(sa.distinct(sa.case((condition, column), else_=None)))

    if measure is Measure.PEOPLE:
        statement = (
            sa.select(sa.func.count(sa.distinct(person_id)), distinct(person_id, share))
            .select_from(Attendance)
            .join(Event, Event.id == Attendance.event_id)
            .join(Participant, Participant.id == person_id)
            .where(*_target_events(target, date_from, date_to), *_age_conditions(target, Event.starts_at))
        )
    elif measure is Measure.ATTENDANCES:
        share = _share_condition(
            target, {"gender": Attendance.anonymous_gender, "origin": Attendance.anonymous_origin}
        )
        age = _age_conditions(target, Event.starts_at)
        if age:
            age = [
                sa.or_(
                    sa.and_(_anonymous, Attendance.anonymous_age_band.in_(_walk_in_bands(target))),
                    sa.and_(~_anonymous, *age),
                )
            ]
        share_sum = sa.literal(None) if share is None else sa.func.sum(sa.case((share, 1), else_=0))
        statement = (
            sa.select(sa.func.count(), share_sum)
            .select_from(Attendance)
            .join(Event, Event.id == Attendance.event_id)
            .outerjoin(Participant, Participant.id == person_id)
            .where(*_target_events(target, date_from, date_to), *age)
        )
    elif measure is Measure.PEOPLE_MIN_SESSIONS:
        trained = (
            sa.select(person_id.label("participant_id"))
            .join(Event, Event.id == Attendance.event_id)
            .join(Participant, Participant.id == person_id)
            .where(*_target_events(target, date_from, date_to), *_age_conditions(target, Event.starts_at))
            .group_by(Attendance.event_id, person_id)
            .having(sa.func.count(sa.distinct(Attendance.session_id)) >= (target.min_sessions or 1))
            .subquery()
        )
        statement = (
            sa.select(
                sa.func.count(sa.distinct(trained.c.participant_id)),
                distinct(trained.c.participant_id, share),
            )
            .select_from(trained)
            .join(Participant, Participant.id == trained.c.participant_id)
        )
    elif measure is Measure.PROPOSALS:
        share_sum = sa.literal(None) if share is None else sa.func.sum(sa.case((share, 1), else_=0))
        statement = (
            sa.select(sa.func.count(Proposal.id), share_sum)
            .select_from(Proposal)
            .join(ProposalCall, ProposalCall.id == Proposal.call_id)
            .outerjoin(Participant, Participant.id == Proposal.participant_id)
            .where(
                ProposalCall.programme_id == target.programme_id,
                Proposal.status != ProposalStatus.WITHDRAWN,
                Proposal.is_hidden.is_(False),
                *_period(Proposal.created_at, date_from, date_to),
                *_age_conditions(target, Proposal.created_at),
            )
        )
    else:  # Measure.SUPPORTERS
        statement = (
            sa.select(sa.func.count(sa.distinct(Support.user_id)), distinct(Support.user_id, share))
            .select_from(Support)
            .join(ProposalCall, ProposalCall.id == Support.call_id)
            .join(User, User.id == Support.user_id)
            .join(Participant, Participant.id == User.participant_id)
            .where(
                ProposalCall.programme_id == target.programme_id,
                *_period(Support.created_at, date_from, date_to),
                *_age_conditions(target, Support.created_at),
            )
        )
    reached, share_count = db.session.execute(statement).one()
    return Progress(int(reached or 0), None if share_count is None else int(share_count))


# -- programmes -------------------------------------------------------------------------------------


def organiser_scope(user) -> frozenset[int] | None:
    """The municipalities whose figures a person may see in reports: None means all (administrators)."""
    if user.is_admin:
        return None
    return frozenset(user.municipality_ids(Role.ORGANISER))


def visible_programmes(user, page: int) -> Page:
    statement = sa.select(Programme).order_by(Programme.starts_on.desc(), Programme.id.desc())
    if not (user.is_authenticated and user.is_admin):
        scope = organiser_scope(user) if user.is_authenticated else frozenset()
        mine = sa.select(programme_municipality.c.programme_id).where(
            programme_municipality.c.municipality_id.in_(sorted(scope) or [-1])
        )
        statement = statement.where(sa.or_(Programme.is_public.is_(True), Programme.id.in_(mine)))
    return paginate(statement, page)


def get_programme(programme_id: int) -> Programme | None:
    return db.session.get(Programme, programme_id)


def get_target(programme: Programme, target_id: int) -> Target | None:
    target = db.session.get(Target, target_id)
    return target if target is not None and target.programme_id == programme.id else None


def programme_choices(user) -> list[tuple[int, str]]:
    statement = sa.select(Programme.id, Programme.name).order_by(Programme.name)
    scope = organiser_scope(user)
    if scope is not None:
        mine = sa.select(programme_municipality.c.programme_id).where(
            programme_municipality.c.municipality_id.in_(sorted(scope) or [-1])
        )
        statement = statement.where(Programme.id.in_(mine))
    return [(row.id, row.name) for row in db.session.execute(statement)]


def municipality_choices(user) -> list[Municipality]:
    statement = sa.select(Municipality).order_by(Municipality.name_fr)
    scope = organiser_scope(user)
    if scope is not None:
        statement = statement.where(Municipality.id.in_(sorted(scope) or [-1]))
    return list(db.session.scalars(statement))


EVENT_CHOICES_LIMIT = 300


def event_choices(user) -> list[Event]:
    """The most recent events a person may report on (a select, not a list of every event ever)."""
    statement = sa.select(Event).order_by(Event.starts_at.desc()).limit(EVENT_CHOICES_LIMIT)
    scope = organiser_scope(user)
    if scope is not None:
        statement = statement.where(Event.municipality_id.in_(sorted(scope) or [-1]))
    return list(db.session.scalars(statement))


def attached_events(programme: Programme, page: int) -> Page:
    statement = (
        sa.select(Event).where(Event.programme_id == programme.id).order_by(Event.starts_at.desc(), Event.id)
    )
    return paginate(statement, page)


def attachable_events(programme: Programme) -> list[Event]:
    """Events of the programme's municipalities not yet in a programme, most recent first."""
    ids = [m.id for m in programme.municipalities] or [-1]
    statement = (
        sa.select(Event)
        .where(Event.municipality_id.in_(ids), Event.programme_id.is_(None))
        .order_by(Event.starts_at.desc())
        .limit(EVENT_CHOICES_LIMIT)
    )
    return list(db.session.scalars(statement))


def attached_calls(programme: Programme) -> list[ProposalCall]:
    statement = (
        sa.select(ProposalCall)
        .where(ProposalCall.programme_id == programme.id)
        .order_by(ProposalCall.submission_opens_at.desc())
    )
    return list(db.session.scalars(statement))


def attachable_calls(programme: Programme) -> list[ProposalCall]:
    ids = [m.id for m in programme.municipalities] or [-1]
    statement = (
        sa.select(ProposalCall)
        .where(ProposalCall.municipality_id.in_(ids), ProposalCall.programme_id.is_(None))
        .order_by(ProposalCall.submission_opens_at.desc())
        .limit(EVENT_CHOICES_LIMIT)
    )
    return list(db.session.scalars(statement))


def all_municipalities() -> list[Municipality]:
    return list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name_fr)))
