"""Directory services, their needs, languages, opening hours and dated exceptions, and residents'
reports that an entry is wrong."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Municipality, User
from app.core.enums import LabelledEnum
from app.core.time import UTCDateTime, utcnow
from app.core.translated import localized
from app.extensions import db

LANGUAGES = ("fr", "ar", "en")


class ProviderKind(LabelledEnum):
    NGO = "ngo"
    PUBLIC = "public"
    MUNICIPALITY = "municipality"
    UN_AGENCY = "un_agency"

    @classmethod
    def _labels(cls):
        return {
            cls.NGO: _l("Association (NGO)"),
            cls.PUBLIC: _l("Public service"),
            cls.MUNICIPALITY: _l("Municipality"),
            cls.UN_AGENCY: _l("United Nations agency"),
        }


class Sensitivity(LabelledEnum):
    PUBLIC = "public"
    STAFF = "staff"  # shown only to signed-in staff of the municipality (a women's shelter, say)

    @classmethod
    def _labels(cls):
        return {
            cls.PUBLIC: _l("Public"),
            cls.STAFF: _l("Staff only"),
        }


class Service(db.Model):
    __table_args__ = (
        sa.Index("ix_service_listing", "sensitivity", "retired_at", "municipality_id"),
        sa.CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        sa.CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    name_fr: Mapped[str] = mapped_column(sa.String(200), default="")
    name_ar: Mapped[str] = mapped_column(sa.String(200), default="")
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_fr: Mapped[str] = mapped_column(sa.Text, default="")
    description_ar: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    provider_name: Mapped[str] = mapped_column(sa.String(200))
    provider_kind: Mapped[str] = mapped_column(sa.String(16), default=ProviderKind.NGO)
    address_fr: Mapped[str] = mapped_column(sa.String(300), default="")
    address_ar: Mapped[str] = mapped_column(sa.String(300), default="")
    address_en: Mapped[str] = mapped_column(sa.String(300), default="")
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    # Access modes, one column each so that the "walk in" filter is a plain WHERE.
    walk_in: Mapped[bool] = mapped_column(default=False)
    by_appointment: Mapped[bool] = mapped_column(default=False)
    by_referral: Mapped[bool] = mapped_column(default=False)
    hotline: Mapped[bool] = mapped_column(default=False)
    no_documents_needed: Mapped[bool] = mapped_column(default=False)
    # Nationality or status restrictions, in words ("Registered asylum seekers only").
    eligibility_fr: Mapped[str] = mapped_column(sa.Text, default="")
    eligibility_ar: Mapped[str] = mapped_column(sa.Text, default="")
    eligibility_en: Mapped[str] = mapped_column(sa.Text, default="")
    is_free: Mapped[bool] = mapped_column(default=True)
    cost_note_fr: Mapped[str] = mapped_column(sa.String(200), default="")
    cost_note_ar: Mapped[str] = mapped_column(sa.String(200), default="")
    cost_note_en: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    whatsapp: Mapped[str] = mapped_column(sa.String(30), default="")
    sensitivity: Mapped[str] = mapped_column(sa.String(10), default=Sensitivity.PUBLIC)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    verified_by: Mapped[User | None] = relationship()
    needs: Mapped[list[ServiceNeed]] = relationship(
        back_populates="service", cascade="all, delete-orphan", lazy="selectin"
    )
    languages: Mapped[list[ServiceLanguage]] = relationship(
        back_populates="service", cascade="all, delete-orphan", lazy="selectin"
    )
    hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="service",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="[OpeningHours.weekday, OpeningHours.opens]",
    )
    exceptions: Mapped[list[HoursException]] = relationship(
        back_populates="service",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="[HoursException.starts_on, HoursException.opens]",
    )

    def text(self, field: str, language: str) -> tuple[str, str]:
        """A translated field in the reader's language, else the first language that has it:
        (text, its language), so that a fallback is marked and carries its lang attribute."""
        found = localized(self, field, language)
        return found.text, found.language

    @property
    def is_public(self) -> bool:
        return self.sensitivity == Sensitivity.PUBLIC and self.retired_at is None

    @property
    def need_values(self) -> list[str]:
        return sorted(row.need for row in self.needs)

    @property
    def language_codes(self) -> list[str]:
        return sorted(row.code for row in self.languages)


def name_sort_key(language: str, table: sa.Table | None = None):
    """What the public list sorts by: the name in the reader's language, else the first language
    that has one, lower-cased. Each language's key has its index (below), so the list reads its
    first page in index order instead of sorting 10,000 entries on every visit; the empty string is
    a literal, not a parameter, for the databases to match the query with the index."""
    columns = (table if table is not None else Service.__table__).c
    order = (language, *(code for code in LANGUAGES if code != language))
    empty = sa.literal_column("''")
    names = (sa.func.nullif(columns[f"name_{code}"], empty) for code in order)
    return sa.func.lower(sa.func.coalesce(*names))


for _code in LANGUAGES:  # with the id, the list's tie-breaker: the first page is read in order
    sa.Index(f"ix_service_name_{_code}", name_sort_key(_code), Service.__table__.c.id)


class ServiceNeed(db.Model):
    __table_args__ = (sa.Index("ix_service_need_need", "need", "service_id"),)

    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    need: Mapped[str] = mapped_column(sa.String(16), primary_key=True)

    service: Mapped[Service] = relationship(back_populates="needs")


class ServiceLanguage(db.Model):
    """A language spoken at the service: a CLDR code (ary, zgh, wo, ha, dje, bm, en...)."""

    __table_args__ = (sa.Index("ix_service_language_code", "code", "service_id"),)

    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)

    service: Mapped[Service] = relationship(back_populates="languages")


class OpeningHours(db.Model):
    """One interval of a weekday (0 = Monday), in the municipality's local time. An interval whose
    closing time is at or before its opening time runs past midnight into the next day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    opens: Mapped[time] = mapped_column(sa.Time)
    closes: Mapped[time] = mapped_column(sa.Time)

    service: Mapped[Service] = relationship(back_populates="hours")


class HoursException(db.Model):
    """Dated exception to the weekly hours, from starts_on to ends_on inclusive: closed (opens is
    None), or other hours (one row per interval, e.g. Ramadan)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    opens: Mapped[time | None] = mapped_column(sa.Time)
    closes: Mapped[time | None] = mapped_column(sa.Time)
    note: Mapped[str] = mapped_column(sa.String(120), default="")

    service: Mapped[Service] = relationship(back_populates="exceptions")


class ServiceReport(db.Model):
    """A resident's word that an entry is wrong; organisers see it until they resolve it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service: Mapped[Service] = relationship()
