"""Age bands in SQL: a person's band is their age in the year of the event, from the birth year (all
Jiwar keeps); the same bands walk-ins are recorded in (app.events.models.AgeBand)."""

import sqlalchemy as sa

from app.events.models import AgeBand

# Band bounds in years.
BANDS = ((AgeBand.CHILD, 0, 14), (AgeBand.YOUTH, 15, 24), (AgeBand.ADULT, 25, 59), (AgeBand.SENIOR, 60, 150))


def year_of(moment) -> sa.ColumnElement:
    """The year an event counts in: one SQL expression everywhere, so that the roll-ups and the
    reports agree on both databases."""
    return sa.cast(sa.extract("year", moment), sa.Integer)


def band_of(age) -> sa.ColumnElement:
    return sa.case(*[(age <= high, band.value) for band, _, high in BANDS[:-1]], else_=BANDS[-1][0].value)
