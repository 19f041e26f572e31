"""Datetimes are stored in UTC and shown in the municipality's time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware in Python, naive UTC in the database (SQLite keeps no offset)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def to_zone(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))
