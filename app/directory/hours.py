"""Opening hours: reading what organisers type, checking it, and saying whether a service is open
now or when it opens next, in its municipality's time zone.

Weekly hours are intervals of a weekday in local time; an interval whose closing time is at or before
its opening time runs past midnight (typed with "+1": "20:00-02:00+1"). Dated exceptions replace the
weekly hours of the days they cover: closed, or other intervals (Ramadan hours).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

WEEKDAYS = range(7)  # 0 = Monday
DAY = 24 * 60
WEEK = 7 * DAY

_INTERVAL = re.compile(r"^\s*(\d{1,2})[:hH.](\d{2})\s*[-–]\s*(\d{1,2})[:hH.](\d{2})\s*(\+1)?\s*$")


class HoursError(ValueError):
    """What is wrong with typed hours, as a translated sentence."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Interval:
    opens: time
    closes: time

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens

    @property
    def minutes(self) -> tuple[int, int]:
        start = self.opens.hour * 60 + self.opens.minute
        end = self.closes.hour * 60 + self.closes.minute
        return start, end + DAY if self.overnight else end

    def text(self) -> str:
        suffix = "+1" if self.overnight else ""
        return f"{self.opens:%H:%M}-{self.closes:%H:%M}{suffix}"


def _clock(hours: str, minutes: str) -> time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(0, 0)
    if h > 23 or m > 59:
        raise HoursError(_l("%(time)s is not a time of day.", time=f"{hours}:{minutes}"))
    return time(h, m)


def parse_intervals(text: str) -> list[Interval]:
    """"09:00-12:00, 14:00-17:30" or "20:00-02:00+1"; empty: closed that day. Checks each interval
    ends after it starts (unless marked +1) and that they do not overlap."""
    intervals = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", text or ""))):
        match = _INTERVAL.match(part)
        if not match:
            raise HoursError(_l("“%(text)s” is not of the form 09:00-17:00.", text=part))
        h1, m1, h2, m2, next_day = match.groups()
        opens, closes = _clock(h1, m1), _clock(h2, m2)
        closes_24 = h2 == "24"
        if closes <= opens and not next_day and not closes_24:
            raise HoursError(
                _l(
                    "%(text)s ends before it starts; add +1 if it closes the next day (20:00-02:00+1).",
                    text=part,
                )
            )
        if next_day and closes > opens:
            raise HoursError(_l("%(text)s is marked +1 but ends the same day.", text=part))
        intervals.append(Interval(opens, closes))
    check_no_overlap([(0, interval) for interval in intervals])
    return sorted(intervals, key=lambda interval: interval.opens)


def check_no_overlap(week: list[tuple[int, Interval]]) -> None:
    """Intervals of (weekday, interval) may not overlap, across midnight and from Sunday into Monday."""
    spans = []
    for weekday, interval in week:
        start, end = interval.minutes
        spans.append((weekday * DAY + start, weekday * DAY + end, interval))
    spans.sort(key=lambda span: span[0])
    for index, (_start, end, interval) in enumerate(spans):
        for other_start, _other_end, other in spans[index + 1 :]:
            if other_start < end:
                raise HoursError(
                    _l("%(first)s and %(second)s overlap.", first=interval.text(), second=other.text())
                )
        # An interval running past the end of Sunday reaches Monday's first ones.
        if end > WEEK:
            for other_start, _e, other in spans:
                if other_start < end - WEEK:
                    raise HoursError(
                        _l("%(first)s and %(second)s overlap.", first=interval.text(), second=other.text())
                    )


_EXCEPTION = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|→|to)\s*(\d{4}-\d{2}-\d{2}))?\s*:\s*(.*)$")
CLOSED_WORDS = {"closed", "fermé", "ferme", "مغلق"}


@dataclass(frozen=True)
class Exception_:
    starts_on: date
    ends_on: date
    intervals: tuple[Interval, ...]  # empty: closed

    def text(self) -> str:
        days = f"{self.starts_on:%Y-%m-%d}"
        if self.ends_on != self.starts_on:
            days += f"..{self.ends_on:%Y-%m-%d}"
        hours = ", ".join(interval.text() for interval in self.intervals) or "closed"
        return f"{days}: {hours}"


def parse_exceptions(text: str) -> list[Exception_]:
    """One line a period: "2026-12-25: closed" or "2027-02-18..2027-03-19: 10:00-15:00"."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _EXCEPTION.match(line)
        if not match:
            raise HoursError(
                _l("Line %(number)s: write 2026-12-25: closed, or 2027-02-18..2027-03-19: 10:00-15:00.",
                   number=number)
            )
        first, last, hours = match.groups()
        try:
            starts_on = date.fromisoformat(first)
            ends_on = date.fromisoformat(last) if last else starts_on
        except ValueError:
            raise HoursError(_l("Line %(number)s: this date does not exist.", number=number)) from None
        if ends_on < starts_on:
            raise HoursError(_l("Line %(number)s: the period ends before it starts.", number=number))
        if (ends_on - starts_on).days > 366:
            raise HoursError(_l("Line %(number)s: a period lasts one year at most.", number=number))
        if hours.strip().lower() in CLOSED_WORDS:
            intervals: tuple[Interval, ...] = ()
        else:
            try:
                intervals = tuple(parse_intervals(hours))
            except HoursError as error:
                raise HoursError(
                    _l("Line %(number)s: %(reason)s", number=number, reason=error.message)
                ) from None
            if not intervals:
                raise HoursError(_l("Line %(number)s: give hours, or write closed.", number=number))
        found.append(Exception_(starts_on, ends_on, intervals))
    found.sort(key=lambda exception: exception.starts_on)
    for previous, following in zip(found, found[1:], strict=False):
        if following.starts_on <= previous.ends_on:
            raise HoursError(
                _l("The periods starting %(first)s and %(second)s overlap.",
                   first=previous.starts_on.isoformat(), second=following.starts_on.isoformat())
            )
    return found


# -- Open now, opens at ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    until: datetime | None = None  # local, when open
    opens_at: datetime | None = None  # local, when closed and it opens within the fortnight
    known: bool = True  # False when the entry gives no hours at all


def _intervals_on(day: date, weekly: dict[int, list[Interval]], exceptions) -> list[Interval]:
    for exception in exceptions:
        if exception.starts_on <= day <= exception.ends_on:
            return list(exception.intervals)
    return weekly.get(day.weekday(), [])


def open_state(service, now_utc: datetime) -> OpenState:
    """Open now (and until when) or closed (and when it opens next), in the municipality's zone."""
    zone = ZoneInfo(service.municipality.timezone)
    weekly: dict[int, list[Interval]] = {}
    for row in service.hours:
        weekly.setdefault(row.weekday, []).append(Interval(row.opens, row.closes))
    exceptions = exceptions_of(service)
    if not weekly and not any(e.intervals for e in exceptions):
        return OpenState(is_open=False, known=False)
    now = now_utc.astimezone(zone)
    today = now.date()
    upcoming = []
    for offset in range(-1, 15):
        day = today + timedelta(days=offset)
        for interval in _intervals_on(day, weekly, exceptions):
            start = datetime.combine(day, interval.opens, tzinfo=zone)
            end_day = day + timedelta(days=1) if interval.overnight else day
            end = datetime.combine(end_day, interval.closes, tzinfo=zone)
            if start <= now < end:
                return OpenState(is_open=True, until=end)
            if start > now:
                upcoming.append(start)
    return OpenState(is_open=False, opens_at=min(upcoming) if upcoming else None)


def exceptions_of(service) -> list[Exception_]:
    """The service's exception rows grouped back into periods (one row per interval, or closed)."""
    periods: dict[tuple[date, date], list[Interval]] = {}
    for row in service.exceptions:
        intervals = periods.setdefault((row.starts_on, row.ends_on), [])
        if row.opens is not None and row.closes is not None:
            intervals.append(Interval(row.opens, row.closes))
    return [Exception_(first, last, tuple(sorted(i, key=lambda x: x.opens))) for (first, last), i in
            sorted(periods.items())]


def weekly_text(service) -> dict[int, str]:
    """Weekday → "09:00-12:00, 14:00-17:00", as the edit form shows it."""
    texts: dict[int, list[str]] = {}
    for row in service.hours:
        texts.setdefault(row.weekday, []).append(Interval(row.opens, row.closes).text())
    return {weekday: ", ".join(parts) for weekday, parts in texts.items()}
