"""The desk's figures: visits and referrals by gender x origin x age band, and the two target measures
that count from them (people referred to services, referrals completed).

Every figure goes through the same disclosure control as attendances (app/reports/cellkey.py): a
count and the sum of its records' keys from SQL, then `Figure.of`, so small groups show as "< k" and
the same people always give the same published number. A visit linked to a participant card counts
with that person's answers (only while their consent is recorded) and record key; an anonymous
visit with its own answers and key, like an anonymous walk-in."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import AgeBand, Gender, Origin, Participant
from app.directory.visits import DeskVisit, Referral, ReferralOutcome
from app.extensions import db
from app.programmes.models import programme_municipality
from app.reports.bands import band_of, year_of
from app.reports.breakdowns import CrossTable, category_label
from app.reports.cellkey import Figure
from app.reports.queries import _people, _period, _sum_share, key_sum

_consented = sa.and_(DeskVisit.participant_id.is_not(None), Participant.consent_at.is_not(None))


def _attribute(person_column, anonymous_column):
    """The person's answer while consented; the visit's own answer when anonymous; else nothing."""
    return sa.case(
        (DeskVisit.participant_id.is_(None), anonymous_column), (_consented, person_column), else_=sa.null()
    )


def _band():
    age = year_of(DeskVisit.visited_at) - Participant.birth_year
    person_band = sa.case((Participant.birth_year.is_(None), sa.null()), else_=band_of(age))
    return _attribute(person_band, DeskVisit.anonymous_age_band)


def _person_key():
    return sa.case((DeskVisit.participant_id.is_(None), DeskVisit.record_key), else_=Participant.record_key)


def _person():
    """One person: their participant id, or the anonymous visit itself (an anonymous person cannot
    be recognised twice)."""
    return sa.case((DeskVisit.participant_id.is_(None), -DeskVisit.id), else_=DeskVisit.participant_id)


def _table(measure: str, title: str, rows, threshold: int, exact: bool, language: str) -> CrossTable:
    """Gender x origin down, age band across: each figure from its own count and key sum; no column
    totals (the rows' totals and the grand total only)."""
    counts: dict = {}
    for gender, origin, band, count, keys in rows:
        for key in ((gender, origin, band), (gender, origin, "*"), ("*", "*", "*")):
            n, k = counts.get(key, (0, 0))
            counts[key] = (n + count, k + int(keys or 0))

    def figure(key) -> Figure:
        n, k = counts.get(key, (0, 0))
        return Figure.of(n, k, threshold, exact)

    bands = [member.value for member in AgeBand] + [None]
    pairs = [
        (gender, origin)
        for gender in [member.value for member in Gender] + [None]
        for origin in [member.value for member in Origin] + [None]
    ]
    row_labels = [
        (
            f"{gender or ''},{origin or ''}",
            _(
                "%(gender)s, %(origin)s",
                gender=category_label("gender", gender, language),
                origin=category_label("origin", origin, language),
            ),
        )
        for gender, origin in pairs
    ]
    return CrossTable(
        measure=measure,
        title=title,
        row_title=_("Gender and origin"),
        row_labels=row_labels,
        column_labels=[(band, category_label("age_band", band, language)) for band in bands],
        cells={
            (row_key, band): figure((*pair, band))
            for (row_key, _label), pair in zip(row_labels, pairs, strict=True)
            for band in bands
        },
        row_totals={
            row_key: figure((*pair, "*")) for (row_key, _label), pair in zip(row_labels, pairs, strict=True)
        },
        column_totals={},
        total=figure(("*", "*", "*")),
    )


def desk_tables(
    scope: frozenset[int] | None,
    threshold: int,
    exact: bool,
    language: str,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[CrossTable]:
    """Visits, then referrals, by gender x origin x age band, for the desks in `scope` (None: all).
    Two queries, whatever the number of visits."""
    conditions = [*_period(DeskVisit.visited_at, date_from, date_to)]
    if scope is not None:
        conditions.append(DeskVisit.municipality_id.in_(scope or [-1]))
    gender = _attribute(Participant.gender, DeskVisit.anonymous_gender)
    origin = _attribute(Participant.origin, DeskVisit.anonymous_origin)
    band = _band()
    dimensions = [gender.label("gender"), origin.label("origin"), band.label("band")]
    visits = db.session.execute(
        sa.select(*dimensions, sa.func.count(), key_sum(_person_key()))
        .select_from(DeskVisit)
        .outerjoin(Participant, Participant.id == DeskVisit.participant_id)
        .where(*conditions)
        .group_by(gender, origin, band)
    ).all()
    referrals = db.session.execute(
        sa.select(*dimensions, sa.func.count(), key_sum(_person_key()))
        .select_from(Referral)
        .join(DeskVisit, DeskVisit.id == Referral.visit_id)
        .outerjoin(Participant, Participant.id == DeskVisit.participant_id)
        .where(*conditions)
        .group_by(gender, origin, band)
    ).all()
    return [
        _table("visits", _("Desk visits: gender and origin × age band"), visits, threshold, exact, language),
        _table(
            "referrals", _("Referrals: gender and origin × age band"), referrals, threshold, exact, language
        ),
    ]


# -- targets ------------------------------------------------------------------------------------------


def _share(target):
    if not (target.share_dimension and target.share_value):
        return None
    column = {
        "gender": _attribute(Participant.gender, DeskVisit.anonymous_gender),
        "origin": _attribute(Participant.origin, DeskVisit.anonymous_origin),
    }.get(target.share_dimension)
    return None if column is None else column == target.share_value


def _target_conditions(target, date_from, date_to) -> list:
    covered = sa.select(programme_municipality.c.municipality_id).where(
        programme_municipality.c.programme_id == target.programme_id
    )
    return [DeskVisit.municipality_id.in_(covered), *_period(DeskVisit.visited_at, date_from, date_to)]


def _referrals_joined():
    return sa.join(Referral, DeskVisit, DeskVisit.id == Referral.visit_id).outerjoin(
        Participant, Participant.id == DeskVisit.participant_id
    )


def people_referred(target, date_from=None, date_to=None) -> sa.Select:
    """The query of distinct people sent to at least one service at the programme's desks (an
    anonymous visit is one person), with how many are in the target's share: the reports' own
    people query (queries._people), keyed by the person's record key."""
    return _people(
        _person(),
        _share(target),
        _referrals_joined(),
        _target_conditions(target, date_from, date_to),
        key=_person_key(),
    )


def referrals_completed(target, date_from=None, date_to=None) -> sa.Select:
    """The query of referrals whose person reached the service, with how many are in the share."""
    share, key = _share(target), _person_key()
    return (
        sa.select(sa.func.count(), _sum_share(1, share), key_sum(key), _sum_share(key, share, sa.BigInteger))
        .select_from(_referrals_joined())
        .where(Referral.outcome == ReferralOutcome.REACHED, *_target_conditions(target, date_from, date_to))
    )
