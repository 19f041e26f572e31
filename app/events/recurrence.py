"""Repeating sessions as RFC 5545 rules: written and read with python-dateutil's rrule, expanded on
the municipality's clock (a desk at 10:00 stays at 10:00 through Morocco's Ramadan hour change), and
bounded, so a rule can never materialise more than MAX_OCCURRENCES sessions.

Pure functions, no database: the services (app/events/services/recurrence.py) store the rule and
keep its sessions in step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as du

MAX_OCCURRENCES = 120  # two years and more of a weekly desk
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # date.weekday() order
DAILY, WEEKLY = "DAILY", "WEEKLY"


@dataclass
class RuleSpec:
    """A rule as an organiser states it, times on the municipality's clock."""

    frequency: str  # DAILY or WEEKLY
    starts_on: date
    start_time: time
    end_time: time
    weekdays: list[int] = field(default_factory=list)  # 0 = Monday; weekly only, empty = starts_on's
    until: date | None = None  # last day included
    count: int | None = None  # or a number of occurrences
    excluded: list[date] = field(default_factory=list)

    def rrule_text(self) -> str:
        """The RRULE value (without DTSTART): FREQ, BYDAY, then UNTIL (local end of day) or COUNT."""
        parts = [f"FREQ={self.frequency}"]
        if self.frequency == WEEKLY:
            days = sorted(set(self.weekdays or [self.starts_on.weekday()]))
            parts.append("BYDAY=" + ",".join(WEEKDAYS[day] for day in days))
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}T235959")
        elif self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @classmethod
    def from_stored(cls, rrule: str, starts_on: date, start_time: time, end_time: time,
                    excluded: list[date]) -> RuleSpec:
        """Back from a stored RRULE (the inverse of rrule_text)."""
        parts = dict(part.split("=", 1) for part in rrule.split(";") if "=" in part)
        until = parts.get("UNTIL")
        return cls(
            frequency=parts.get("FREQ", WEEKLY),
            starts_on=starts_on,
            start_time=start_time,
            end_time=end_time,
            weekdays=[WEEKDAYS.index(day) for day in parts.get("BYDAY", "").split(",") if day in WEEKDAYS],
            until=datetime.strptime(until[:8], "%Y%m%d").date() if until else None,  # noqa: DTZ007
            count=int(parts["COUNT"]) if "COUNT" in parts else None,
            excluded=list(excluded),
        )


def _rule(spec: RuleSpec):
    start = datetime.combine(spec.starts_on, spec.start_time)
    rule = du.rrulestr(spec.rrule_text(), dtstart=start, forceset=True)
    for day in spec.excluded:
        rule.exdate(datetime.combine(day, spec.start_time))
    return rule


class TooManyOccurrences(ValueError):
    pass


def occurrence_days(spec: RuleSpec, limit: int = MAX_OCCURRENCES) -> list[date]:
    """The local days the rule falls on, excluded dates left out; more than `limit` raises (an
    unbounded rule has none: it is refused before it reaches here)."""
    days = []
    for moment in _rule(spec):
        days.append(moment.date())
        if len(days) > limit:
            raise TooManyOccurrences(limit)
    return days


def occurrence_times(
    spec: RuleSpec, zone: str, limit: int = MAX_OCCURRENCES
) -> list[tuple[datetime, datetime]]:
    """(starts_at, ends_at) in UTC of every occurrence, each placed on the municipality's clock of
    its own day (so the UTC hour moves when the zone's offset does, the local hour never)."""
    tz = ZoneInfo(zone)
    return [
        (
            datetime.combine(day, spec.start_time, tzinfo=tz).astimezone(UTC),
            datetime.combine(day, spec.end_time, tzinfo=tz).astimezone(UTC),
        )
        for day in occurrence_days(spec, limit)
    ]


def ics_rrule(spec: RuleSpec, zone: str) -> dict:
    """The RRULE as icalendar's vRecur wants it. With a DTSTART carrying a TZID, RFC 5545 wants
    UNTIL in UTC: the end of the last day, on the municipality's clock."""
    recur: dict = {"FREQ": spec.frequency}
    if spec.frequency == WEEKLY:
        recur["BYDAY"] = [WEEKDAYS[day] for day in sorted(set(spec.weekdays or [spec.starts_on.weekday()]))]
    if spec.until is not None:
        last = datetime.combine(spec.until + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))
        recur["UNTIL"] = (last - timedelta(seconds=1)).astimezone(UTC)
    elif spec.count is not None:
        recur["COUNT"] = spec.count
    return recur
