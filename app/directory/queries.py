"""What the directory's pages read: each page a fixed number of queries whatever the directory's size,
the filtering and counting done in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.accounts.models import Municipality
from app.core.languages import normalise
from app.core.pagination import Page, paginate
from app.core.time import utcnow
from app.directory.models import (
    LANGUAGES,
    HoursException,
    OpeningHours,
    Sensitivity,
    Service,
    ServiceLanguage,
    ServiceNeed,
    ServiceReport,
    name_sort_key,
)
from app.directory.needs import Need
from app.extensions import db

PER_PAGE = 20


@dataclass
class Filters:
    q: str = ""
    need: str = ""
    municipality: str = ""  # slug
    language: str = ""
    open_now: bool = False
    walk_in: bool = False
    no_documents: bool = False

    @property
    def active(self) -> int:
        return sum(map(bool, (self.q, self.need, self.municipality, self.language, self.open_now,
                              self.walk_in, self.no_documents)))

    def args(self) -> dict:
        """The filters as query-string arguments, for links that keep them."""
        values = {
            "q": self.q, "need": self.need, "municipality": self.municipality, "language": self.language,
            "open_now": "1" if self.open_now else "", "walk_in": "1" if self.walk_in else "",
            "no_documents": "1" if self.no_documents else "",
        }
        return {key: value for key, value in values.items() if value}


def parse_filters(args) -> Filters:
    """Anything odd in the query string is dropped rather than refused: a filter link always works."""
    need = args.get("need", "")
    return Filters(
        q=(args.get("q") or "").replace("\x00", "").strip()[:100],
        need=need if need in set(Need) else "",
        municipality=(args.get("municipality") or "")[:60],
        language=normalise(args.get("language") or "") or "",
        open_now=args.get("open_now") == "1",
        walk_in=args.get("walk_in") == "1",
        no_documents=args.get("no_documents") == "1",
    )


def public_condition():
    return sa.and_(Service.sensitivity == Sensitivity.PUBLIC, Service.retired_at.is_(None))


def name_order(language: str):
    """Entries by their name in the reader's language, else the first language that has one."""
    return name_sort_key(language if language in LANGUAGES else LANGUAGES[0])


def _search(q: str):
    columns = [getattr(Service, f"{name}_{code}") for name in ("name", "description") for code in LANGUAGES]
    columns.append(Service.provider_name)
    return sa.or_(*(sa.func.lower(column).contains(q.lower(), autoescape=True) for column in columns))


def _covers(day):
    return sa.and_(HoursException.starts_on <= day, HoursException.ends_on >= day)


def _open_at(local: datetime):
    """SQL: the service is open at this local moment (its weekly hours unless an exception covers the
    day; intervals past midnight counted on the day after)."""
    today, yesterday = local.date(), (local - timedelta(days=1)).date()
    clock = local.time().replace(tzinfo=None)
    overnight_row = OpeningHours.closes <= OpeningHours.opens

    def excepted(day):
        return (
            sa.select(HoursException.id)
            .where(HoursException.service_id == Service.id, _covers(day))
            .exists()
        )

    # Weekly hours of a day count only when no exception covers it; split by day for that reason.
    weekly_today = (
        sa.select(OpeningHours.id)
        .where(
            OpeningHours.service_id == Service.id,
            OpeningHours.weekday == today.weekday(),
            OpeningHours.opens <= clock,
            sa.or_(OpeningHours.closes > clock, overnight_row),
        )
        .exists()
    )
    weekly_yesterday = (
        sa.select(OpeningHours.id)
        .where(
            OpeningHours.service_id == Service.id,
            OpeningHours.weekday == yesterday.weekday(),
            overnight_row,
            OpeningHours.closes > clock,
        )
        .exists()
    )
    overnight_exception = HoursException.closes <= HoursException.opens
    exceptional = (
        sa.select(HoursException.id)
        .where(
            HoursException.service_id == Service.id,
            HoursException.opens.is_not(None),
            sa.or_(
                sa.and_(
                    _covers(today),
                    HoursException.opens <= clock,
                    sa.or_(HoursException.closes > clock, overnight_exception),
                ),
                sa.and_(_covers(yesterday), overnight_exception, HoursException.closes > clock),
            ),
        )
        .exists()
    )
    return sa.or_(
        sa.and_(weekly_today, ~excepted(today)),
        sa.and_(weekly_yesterday, ~excepted(yesterday)),
        exceptional,
    )


def open_now_condition(municipalities: list[Municipality], now: datetime):
    """Open at this moment, each municipality's services in its own time zone."""
    by_zone: dict[str, list[int]] = {}
    for municipality in municipalities:
        by_zone.setdefault(municipality.timezone, []).append(municipality.id)
    return sa.or_(
        sa.false(),
        *(
            sa.and_(Service.municipality_id.in_(ids), _open_at(now.astimezone(ZoneInfo(zone))))
            for zone, ids in by_zone.items()
        ),
    )


def filtered(filters: Filters, places: list[Municipality], now: datetime | None = None) -> sa.Select:
    statement = sa.select(Service).where(public_condition())
    if filters.q:
        statement = statement.where(_search(filters.q))
    if filters.need:
        statement = statement.where(
            sa.select(ServiceNeed.service_id)
            .where(ServiceNeed.service_id == Service.id, ServiceNeed.need == filters.need)
            .exists()
        )
    if filters.municipality:
        chosen = [m.id for m in places if m.slug == filters.municipality]
        statement = statement.where(Service.municipality_id.in_(chosen))
    if filters.language:
        statement = statement.where(
            sa.select(ServiceLanguage.service_id)
            .where(ServiceLanguage.service_id == Service.id, ServiceLanguage.code == filters.language)
            .exists()
        )
    if filters.walk_in:
        statement = statement.where(Service.walk_in.is_(True))
    if filters.no_documents:
        statement = statement.where(Service.no_documents_needed.is_(True))
    if filters.open_now:
        statement = statement.where(open_now_condition(places, now or utcnow()))
    return statement


def public_services(filters: Filters, page: int, language: str, places: list[Municipality]) -> Page:
    statement = filtered(filters, places).order_by(name_order(language), Service.id)
    return paginate(statement, page, PER_PAGE)


def public_service(service_id: int) -> Service | None:
    return db.session.scalar(sa.select(Service).where(Service.id == service_id, public_condition()))


def brochure_services(municipality: Municipality, need: str, language: str) -> list[Service]:
    statement = sa.select(Service).where(public_condition(), Service.municipality_id == municipality.id)
    if need:
        statement = statement.where(
            sa.select(ServiceNeed.service_id)
            .where(ServiceNeed.service_id == Service.id, ServiceNeed.need == need)
            .exists()
        )
    return list(db.session.scalars(statement.order_by(name_order(language), Service.id).limit(500)))


def managed_services(municipality_ids: list[int] | None, page: int, language: str, q: str = "") -> Page:
    """Every entry of these municipalities (None: all), staff-only and retired ones too."""
    statement = sa.select(Service)
    if municipality_ids is not None:
        statement = statement.where(Service.municipality_id.in_(municipality_ids))
    if q:
        statement = statement.where(_search(q.lower()))
    statement = statement.order_by(Service.retired_at.is_not(None), name_order(language), Service.id)
    return paginate(statement, page, PER_PAGE)


def open_reports(municipality_ids: list[int] | None, limit: int = 50) -> list[ServiceReport]:
    statement = (
        sa.select(ServiceReport)
        .join(Service, Service.id == ServiceReport.service_id)
        .where(ServiceReport.resolved_at.is_(None))
        .options(sa.orm.contains_eager(ServiceReport.service))
        .order_by(ServiceReport.created_at)
        .limit(limit)
    )
    if municipality_ids is not None:
        statement = statement.where(Service.municipality_id.in_(municipality_ids))
    return list(db.session.scalars(statement))


def report_counts(service_ids: list[int]) -> dict[int, int]:
    if not service_ids:
        return {}
    rows = db.session.execute(
        sa.select(ServiceReport.service_id, sa.func.count())
        .where(ServiceReport.service_id.in_(service_ids), ServiceReport.resolved_at.is_(None))
        .group_by(ServiceReport.service_id)
    )
    return dict(rows.all())


def stale_days() -> int:
    return int(current_app.config["JIWAR_DIRECTORY_STALE_DAYS"])


def is_stale(service: Service, now: datetime | None = None) -> bool:
    """Not verified for JIWAR_DIRECTORY_STALE_DAYS days (or never)."""
    if service.verified_at is None:
        return True
    return (now or utcnow()) - service.verified_at > timedelta(days=stale_days())
