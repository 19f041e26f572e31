"""What a person carries: the QR code (the short code only, never a name) and the calendar file."""

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from app.core.time import utcnow


def event_calendar(event, locale: str, url: str, domain: str) -> bytes:
    """One VEVENT per session typed on its own, and one per repeating rule with its RRULE and
    EXDATEs, its times on the municipality's clock (TZID, with the zone's VTIMEZONE)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from app.events.recurrence import RuleSpec, ics_rrule

    calendar = Calendar()
    calendar.add("prodid", "-//Jiwar//events//FR")
    calendar.add("version", "2.0")
    location = f"{event.venue(locale)}, {event.municipality.name(locale)}"

    def entry_for(uid: str, starts, ends) -> CalendarEvent:
        entry = CalendarEvent()
        entry.add("uid", f"{uid}@{domain}")
        entry.add("dtstamp", utcnow())
        entry.add("dtstart", starts)
        entry.add("dtend", ends)
        entry.add("summary", event.title(locale))
        entry.add("location", location)
        entry.add("url", url)
        description = event.description(locale)
        if description:
            entry.add("description", description)
        if event.is_cancelled:
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
        return entry

    for session in event.sessions:
        if session.rule_id is None:
            entry_for(f"event-{event.id}-session-{session.id}", session.starts_at, session.ends_at)
    zone = ZoneInfo(event.municipality.timezone)
    for rule in event.rules:
        spec = RuleSpec.from_stored(rule.rrule, rule.starts_on, rule.start_time, rule.end_time, rule.excluded)
        entry = entry_for(
            f"event-{event.id}-rule-{rule.id}",
            datetime.combine(rule.starts_on, rule.start_time, tzinfo=zone),
            datetime.combine(rule.starts_on, rule.end_time, tzinfo=zone),
        )
        entry.add("rrule", ics_rrule(spec, event.municipality.timezone))
        if spec.excluded:
            excluded = [datetime.combine(day, rule.start_time, tzinfo=zone) for day in spec.excluded]
            entry.add("exdate", excluded)
    if event.rules:
        calendar.add_missing_timezones()
    return calendar.to_ical()
