"""Municipalities as administrators add and rename them: the places events, calls for proposals,
programmes and staff roles belong to. Each country of the region has one time zone, so the country
alone sets the municipality's clock (event times are typed and shown in it)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from babel import Locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Municipality, Role
from app.core.audit import record_audit
from app.extensions import db

TIME_ZONES = {
    "MA": "Africa/Casablanca",
    "TN": "Africa/Tunis",
    "DZ": "Africa/Algiers",
    "LY": "Africa/Tripoli",
    "EG": "Africa/Cairo",
    "MR": "Africa/Nouakchott",
    "NE": "Africa/Niamey",
    "ML": "Africa/Bamako",
    "SN": "Africa/Dakar",
    "BF": "Africa/Ouagadougou",
    "TD": "Africa/Ndjamena",
    "SD": "Africa/Khartoum",
}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class MunicipalityError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def country_choices(locale: str) -> list[tuple[str, str]]:
    """The countries a municipality can be in, named in the page's language (Babel's own names)."""
    names = Locale.parse(locale).territories
    return sorted(((code, names.get(code, code)) for code in TIME_ZONES), key=lambda choice: choice[1])


def all_municipalities() -> list[Municipality]:
    statement = sa.select(Municipality).order_by(Municipality.country_code, Municipality.name_fr)
    return list(db.session.scalars(statement))


def municipality_ids_for(user, role: Role) -> set[int] | None:
    """The municipalities where `user` holds `role`; None means all of them (administrators). The
    one scope every domain's staff pages start from."""
    if user.is_admin:
        return None
    return set(user.municipality_ids(role))


def municipalities_for(user, role: Role) -> list[Municipality]:
    """Those municipalities, by name: what a staff form offers to choose from."""
    statement = sa.select(Municipality).order_by(Municipality.name_fr)
    ids = municipality_ids_for(user, role)
    if ids is not None:
        statement = statement.where(Municipality.id.in_(ids))
    return list(db.session.scalars(statement))


def municipalities_by_id(ids: set[int]) -> list[Municipality]:
    """The municipalities with these ids, in no particular order (those that exist)."""
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Municipality).where(Municipality.id.in_(ids))))


def get_municipality(municipality_id: int) -> Municipality | None:
    return db.session.get(Municipality, municipality_id)


def save_municipality(
    actor,
    municipality: Municipality | None,
    *,
    slug: str,
    name_fr: str,
    name_ar: str,
    name_en: str,
    country_code: str,
) -> Municipality:
    """Create (municipality None) or change a municipality; names left empty fall back to the French one."""
    slug = (slug or "").strip().lower()
    if not _SLUG.fullmatch(slug):
        message = _("Use lowercase letters, digits and hyphens only, such as la-marsa.")
        raise MunicipalityError(message, "slug")
    if country_code not in TIME_ZONES:
        raise MunicipalityError(_("Choose a country from the list."), "country_code")
    taken = sa.select(Municipality.id).where(Municipality.slug == slug)
    if municipality is not None:
        taken = taken.where(Municipality.id != municipality.id)
    if db.session.scalar(taken) is not None:
        raise MunicipalityError(_("Another municipality already has this short name."), "slug")
    created = municipality is None
    municipality = municipality or Municipality()
    name_fr = name_fr.strip()
    municipality.slug, municipality.name_fr = slug, name_fr
    municipality.name_ar, municipality.name_en = name_ar.strip() or name_fr, name_en.strip() or name_fr
    municipality.country_code, municipality.timezone = country_code, TIME_ZONES[country_code]
    db.session.add(municipality)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same short name saved a moment ago
        db.session.rollback()
        raise MunicipalityError(_("Another municipality already has this short name."), "slug") from error
    record_audit("municipality.created" if created else "municipality.updated", actor, municipality)
    db.session.commit()
    return municipality
