"""What a programme covers: the municipalities it runs in, and so the events and calls for proposals
that may count towards it (those of its municipalities). Events, calls and the programme pages ask
here instead of each writing the check."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.programmes.models import Programme, programme_municipality


def covers(programme: Programme, municipality_id: int) -> bool:
    """The programme runs in this municipality: an event or a call of it may count towards it."""
    return municipality_id in {municipality.id for municipality in programme.municipalities}


def programme_covering(programme_id: int, municipality_id: int) -> Programme | None:
    """The programme, when it exists and covers the municipality; None otherwise (the caller refuses
    with its own message)."""
    programme = db.session.get(Programme, programme_id)
    if programme is None or not covers(programme, municipality_id):
        return None
    return programme


def programme_ids_covering(municipality_ids) -> sa.Select:
    """A subquery: the ids of the programmes that cover any of these municipalities."""
    return sa.select(programme_municipality.c.programme_id).where(
        programme_municipality.c.municipality_id.in_(sorted(municipality_ids) or [-1])
    )


def programmes_covering(municipality_ids) -> list[Programme]:
    """The programmes an event or a call of these municipalities may join, by name."""
    statement = sa.select(Programme).where(Programme.id.in_(programme_ids_covering(municipality_ids)))
    return list(db.session.scalars(statement.order_by(Programme.name)))


def all_programmes() -> list[Programme]:
    return list(db.session.scalars(sa.select(Programme).order_by(Programme.name)))


def sharing_a_programme(municipality_ids) -> sa.Select:
    """A subquery: the municipalities that share a programme with one of these (a programme run
    across Raoued and La Marsa has one desk team)."""
    covering = programme_municipality.alias("covering")
    shared = programme_municipality.alias("shared")
    return (
        sa.select(shared.c.municipality_id)
        .join(covering, covering.c.programme_id == shared.c.programme_id)
        .where(covering.c.municipality_id.in_(municipality_ids))
    )
