"""Programmes and their targets."""

from datetime import date

from app.accounts.models import Municipality
from app.extensions import db
from app.programmes.models import Programme
from app.reports.models import Measure, Target


def make_programme(municipalities: list[Municipality], **fields) -> Programme:
    programme = Programme(
        name=fields.pop("name", "Initiative 3H — Oujda"),
        starts_on=fields.pop("starts_on", date(2026, 1, 1)),
        ends_on=fields.pop("ends_on", date(2027, 12, 31)),
        municipalities=list(municipalities),
        **fields,
    )
    db.session.add(programme)
    db.session.commit()
    return programme


def make_target(programme: Programme, *, measure: str = Measure.PEOPLE, goal: int = 800, **fields) -> Target:
    target = Target(
        programme=programme,
        title=fields.pop("title", "Personnes touchées"),
        measure=measure,
        goal=goal,
        **fields,
    )
    db.session.add(target)
    db.session.commit()
    return target
