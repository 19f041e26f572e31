"""Every read of the desk, already scoped to the organiser who asks: visits and referrals of another
municipality's desk are not found (the pages answer 404, naming nothing)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.accounts.models import Municipality, Role
from app.accounts.municipalities import municipalities_for, municipality_ids_for
from app.core.pagination import Page, paginate
from app.directory.models import Sensitivity, Service
from app.directory.visits import DeskVisit, Referral
from app.extensions import db


def desk_municipality_ids(user) -> set[int] | None:
    """The desks a person records visits at: None means every one (administrators)."""
    return municipality_ids_for(user, Role.ORGANISER)


def desk_municipalities(user) -> list[Municipality]:
    return municipalities_for(user, Role.ORGANISER)


def _scoped(statement, user, column):
    ids = desk_municipality_ids(user)
    return statement if ids is None else statement.where(column.in_(ids or [-1]))


def _referable(municipality_id: int):
    """Services a desk may send people to: any public entry still in the directory, and its own
    municipality's staff-only entries (a shelter is known at its own desk only)."""
    return sa.and_(
        Service.retired_at.is_(None),
        sa.or_(Service.sensitivity == Sensitivity.PUBLIC, Service.municipality_id == municipality_id),
    )


def referable_services(municipality_ids: list[int]) -> list[Service]:
    """The services the form offers for these desks: their own first, then the others by name."""
    own = Service.municipality_id.in_(municipality_ids or [-1])
    condition = sa.and_(Service.retired_at.is_(None), sa.or_(Service.sensitivity == Sensitivity.PUBLIC, own))
    statement = (
        sa.select(Service)
        .where(condition)
        .order_by(sa.case((own, 0), else_=1), Service.municipality_id, Service.name_fr, Service.id)
        .limit(300)
    )
    return list(db.session.scalars(statement))


def referable_service_ids(municipality_id: int, service_ids: list[int]) -> set[int]:
    if not service_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Service.id).where(Service.id.in_(service_ids), _referable(municipality_id))
        )
    )


def recent_visits(user, page: int) -> Page:
    """A page of (visit, its number of referrals), the newest first: the referrals counted in SQL."""
    referrals = (
        sa.select(sa.func.count())
        .where(Referral.visit_id == DeskVisit.id)
        .correlate(DeskVisit)
        .scalar_subquery()
    )
    statement = _scoped(
        sa.select(DeskVisit, referrals.label("referrals")).order_by(
            DeskVisit.visited_at.desc(), DeskVisit.id.desc()
        ),
        user,
        DeskVisit.municipality_id,
    )
    return paginate(statement, page, scalars=False)


def visit_for(user, visit_id: int) -> DeskVisit | None:
    statement = _scoped(
        sa.select(DeskVisit).where(DeskVisit.id == visit_id).options(selectinload(DeskVisit.referrals)),
        user,
        DeskVisit.municipality_id,
    )
    return db.session.scalar(statement)


def referral_for(user, referral_id: int) -> Referral | None:
    statement = _scoped(
        sa.select(Referral)
        .join(DeskVisit, DeskVisit.id == Referral.visit_id)
        .where(Referral.id == referral_id),
        user,
        DeskVisit.municipality_id,
    )
    return db.session.scalar(statement)
