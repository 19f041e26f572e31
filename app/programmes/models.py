"""Programmes and the municipalities they cover. Their targets live with the reports that measure
them (app/reports/models.py)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Municipality
from app.core.translated import translated_property
from app.extensions import db

programme_municipality = sa.Table(
    "programme_municipality",
    db.metadata,
    sa.Column("programme_id", sa.ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True),
)


class Programme(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Written in French, Arabic and/or English (app/core/translated.py).
    name_fr: Mapped[str | None] = mapped_column(sa.String(200))
    name_ar: Mapped[str | None] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    description_fr: Mapped[str | None] = mapped_column(sa.Text)
    description_ar: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    is_public: Mapped[bool] = mapped_column(default=True)
    # The programme's own age bands for reports, as donors define them: "0-17,18-24,25-59,60+"
    # (app/programmes/age_bands.py reads and checks them); empty: none beyond under 18 and adults.
    age_bands: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=programme_municipality, lazy="selectin"
    )

    name = translated_property("name")
    description = translated_property("description")
