"""Programmes, the municipalities they cover, and the targets funders hold them to."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Municipality
from app.core.enums import LabelledEnum
from app.extensions import db

programme_municipality = sa.Table(
    "programme_municipality",
    db.metadata,
    sa.Column("programme_id", sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True),
)


class Measure(LabelledEnum):
    PEOPLE = "people"
    ATTENDANCES = "attendances"
    PEOPLE_MIN_SESSIONS = "people_min_sessions"
    PROPOSALS = "proposals"
    SUPPORTERS = "supporters"

    @classmethod
    def _labels(cls):
        return {
            cls.PEOPLE: _l("Distinct people who attended"),
            cls.ATTENDANCES: _l("Attendances"),
            cls.PEOPLE_MIN_SESSIONS: _l("People who attended at least N sessions"),
            cls.PROPOSALS: _l("Proposals submitted"),
            cls.SUPPORTERS: _l("Residents who supported a proposal"),
        }


class Programme(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    is_public: Mapped[bool] = mapped_column(default=True)

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=programme_municipality, lazy="selectin"
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="Target.position"
    )


class Target(db.Model):
    """An indicator: a measure, optional filters, a number to reach, and an optional share target
    on one breakdown ("women >= 50%")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    measure: Mapped[str] = mapped_column(sa.String(24))
    event_types: Mapped[str] = mapped_column(sa.String(120), default="")  # "awareness,open_day"
    age_min: Mapped[int | None] = mapped_column(sa.SmallInteger)
    age_max: Mapped[int | None] = mapped_column(sa.SmallInteger)
    min_sessions: Mapped[int | None] = mapped_column(sa.SmallInteger)
    goal: Mapped[int]
    share_dimension: Mapped[str | None] = mapped_column(sa.String(12))  # gender / origin
    share_value: Mapped[str | None] = mapped_column(sa.String(12))  # woman / migrant
    share_min_percent: Mapped[int | None] = mapped_column(sa.SmallInteger)

    programme: Mapped[Programme] = relationship(back_populates="targets")
