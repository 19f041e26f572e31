"""Reads about people, each already limited to what the asking role may see."""

import re

import sqlalchemy as sa
from babel import Locale

from app.accounts.identifiers import phone_candidates
from app.accounts.models import Municipality, RoleAssignment, User
from app.core.pagination import Page, paginate
from app.extensions import db

DESK_RESULTS = 10
_NOT_DIGITS = re.compile(r"\D")


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(sa.select(Municipality).order_by(Municipality.name_fr)))


def _matching(query: str) -> sa.ColumnElement[bool] | None:
    query = query.strip()[:100]
    if not query:
        return None
    conditions = [User.display_name.icontains(query, autoescape=True),
                  User.email.icontains(query, autoescape=True)]
    digits = _NOT_DIGITS.sub("", query)
    if len(digits) >= 3:
        conditions.append(User.phone.contains(digits, autoescape=True))
        regions = tuple(db.session.scalars(sa.select(Municipality.country_code).distinct()))
        numbers = phone_candidates(query, regions)
        if numbers:
            conditions.append(User.phone.in_(numbers))
    return sa.or_(*conditions)


def search_people(query: str, page: int, per_page: int) -> Page:
    """Administrators: everyone, by name, email or phone, in name order (deleted accounts last)."""
    statement = sa.select(User).order_by(
        User.deleted_at.is_not(None), sa.func.lower(User.display_name), User.id
    )
    condition = _matching(query)
    if condition is not None:
        statement = statement.where(condition)
    return paginate(statement, page, per_page)


def desk_search(query: str) -> sa.Select | None:
    """Organisers at the information desk: only residents (no staff, no disabled account), only
    for a query of 3 characters or more, at most a handful — enough to find the person in front
    of them, not to browse the register. A statement, for the desk to narrow to the people its
    organiser serves (app/events/desk_scope.py); None for a query too short."""
    query = query.strip()
    if len(query) < 3:
        return None
    return (
        sa.select(User)
        .where(_matching(query), desk_resident())
        .order_by(sa.func.lower(User.display_name), User.id)
        .limit(DESK_RESULTS)
    )


def desk_resident() -> sa.ColumnElement[bool]:
    """An account the desk may give a password link for: a resident's (no staff, none disabled or
    deleted)."""
    has_role = sa.exists().where(RoleAssignment.user_id == User.id)
    return sa.and_(
        User.is_admin.is_(False), User.is_disabled.is_(False), User.deleted_at.is_(None), ~has_role
    )


# Codes Babel lists that are not countries (continents, unions, "unknown region").
_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}


def country_choices(language: str) -> list[tuple[str, str]]:
    """Country names in the reader's language, in alphabetical order for that language."""
    import unicodedata

    territories = Locale.parse(language).territories

    def sort_key(item):
        name = unicodedata.normalize("NFKD", item[1])
        return "".join(ch for ch in name if not unicodedata.combining(ch)).casefold()

    countries = [
        (code, name) for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return sorted(countries, key=sort_key)


def country_name(code: str | None, language: str) -> str:
    if not code:
        return ""
    return Locale.parse(language).territories.get(code, code)


def audit_entries(action: str | None, since, until, zone: str, page: int, per_page: int) -> Page:
    """Administrators: the audit log, newest first, with each actor (rows of (entry, actor or None)).
    `since` and `until` are dates on the reader's clock (`zone`), both included."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from app.core.models import AuditEntry

    statement = (
        sa.select(AuditEntry, User)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if action:
        statement = statement.where(AuditEntry.action == action)
    if since:
        statement = statement.where(AuditEntry.at >= datetime.combine(since, time(), ZoneInfo(zone)))
    if until:
        statement = statement.where(
            AuditEntry.at < datetime.combine(until + timedelta(days=1), time(), ZoneInfo(zone))
        )
    return paginate(statement, page, per_page, scalars=False)
