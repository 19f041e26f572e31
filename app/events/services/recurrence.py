"""Repeating sessions: add a rule to an event, change one occurrence, or change it and all that follow
(the rule is split in two). Each function checks every rule before it writes and commits once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.audit import record_audit
from app.core.time import to_zone
from app.events.errors import EventError
from app.events.models import Attendance, Event, EventSession, SessionRule
from app.events.permissions import can_manage_event
from app.events.recurrence import (
    MAX_OCCURRENCES,
    WEEKLY,
    RuleSpec,
    TooManyOccurrences,
    occurrence_days,
    occurrence_times,
)
from app.events.services.locking import lock_event, rolls_back_on_refusal
from app.extensions import db


class RecurrenceError(EventError):
    pass


def _locked(actor, event_id: int) -> Event:
    event = lock_event(event_id)
    # Another municipality's organiser learns nothing: the same answer as a missing event.
    if event is None or not can_manage_event(actor, event):
        raise RecurrenceError(_("This event does not exist."), "not_found", status=404)
    return event


def checked_days(spec: RuleSpec) -> list[date]:
    """The rule's local days, or a translated refusal naming the field to correct."""
    if spec.end_time <= spec.start_time:
        raise RecurrenceError(_("A session must end after it starts."), "end_before_start", field="end_time")
    if spec.until is None and spec.count is None:
        raise RecurrenceError(
            _("Give the last day, or how many sessions there are."), "unbounded", field="until"
        )
    if spec.until is not None and spec.until < spec.starts_on:
        raise RecurrenceError(
            _("The last day must be on or after the first day."), "until_before_start", field="until"
        )
    if spec.count is not None and spec.count < 1:
        raise RecurrenceError(
            _("The number of sessions must be a whole number above zero."),
            "count_not_positive",
            field="count",
        )
    try:
        days = occurrence_days(spec)
    except TooManyOccurrences:
        raise RecurrenceError(
            _(
                "This rule gives more than %(limit)s sessions: choose an earlier last day or fewer sessions.",
                limit=MAX_OCCURRENCES,
            ),
            "too_many",
            field="until",
        ) from None
    if not days:
        raise RecurrenceError(
            _("This rule gives no session: check the days and the excluded dates."), "no_occurrence",
            field="starts_on",
        )
    return days


def _checked_times(spec: RuleSpec, zone: str) -> list[tuple[datetime, datetime]]:
    """The occurrences' UTC times, once the rule is checked."""
    checked_days(spec)
    return occurrence_times(spec, zone)


def _has_attendance(session_ids: list[int]) -> bool:
    return bool(session_ids) and bool(
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Attendance).where(Attendance.session_id.in_(session_ids))
        )
    )


def _materialise(event: Event, rule: SessionRule, times, adopt: bool = False) -> None:
    """Make the rule's sessions exactly its occurrences: a session on an occurrence's local day keeps
    its id (and its attendances) and takes the new times; missing days get a session; sessions of the
    rule on days it no longer has go, unless people were checked in there. With `adopt`, a session
    typed on its own at exactly an occurrence's times joins the rule instead of being doubled."""
    zone = event.municipality.timezone
    by_day = {to_zone(s.starts_at, zone).date(): s for s in event.sessions if s.rule_id == rule.id}
    loose = {(s.starts_at, s.ends_at): s for s in event.sessions if s.rule_id is None} if adopt else {}
    for starts_at, ends_at in times:
        day = to_zone(starts_at, zone).date()
        session = by_day.pop(day, None) or loose.pop((starts_at, ends_at), None)
        if session is None:
            session = EventSession(starts_at=starts_at, ends_at=ends_at)
            event.sessions.append(session)
        session.starts_at, session.ends_at, session.rule = starts_at, ends_at, rule
    gone = list(by_day.values())
    if _has_attendance([s.id for s in gone if s.id]):
        raise RecurrenceError(
            _("A session where people were checked in cannot be removed."), "session_has_attendance"
        )
    for session in gone:
        event.sessions.remove(session)


def _follow_sessions(event: Event) -> None:
    """The event's first start and last end follow its sessions (listing and filters use them)."""
    event.sessions.sort(key=lambda s: s.starts_at)
    event.starts_at = min(s.starts_at for s in event.sessions)
    event.ends_at = max(s.ends_at for s in event.sessions)
    event.version += 1


def _store(rule: SessionRule, spec: RuleSpec) -> None:
    rule.rrule = spec.rrule_text()
    rule.starts_on, rule.start_time, rule.end_time = spec.starts_on, spec.start_time, spec.end_time
    rule.excluded = spec.excluded


def rule_spec(rule: SessionRule) -> RuleSpec:
    return RuleSpec.from_stored(rule.rrule, rule.starts_on, rule.start_time, rule.end_time, rule.excluded)


@rolls_back_on_refusal
def add_session_rule(actor, event_id: int, spec: RuleSpec) -> SessionRule:
    """A weekly or daily rule with its sessions; a session already typed at one of its times joins it."""
    event = _locked(actor, event_id)
    times = _checked_times(spec, event.municipality.timezone)
    rule = SessionRule(event=event)
    _store(rule, spec)
    db.session.add(rule)
    db.session.flush()
    _materialise(event, rule, times, adopt=True)
    _follow_sessions(event)
    db.session.flush()
    record_audit("event.sessions_repeated", actor, event, rule_id=rule.id, sessions=len(times))
    db.session.commit()
    return rule


def attach_rule(event: Event, spec: RuleSpec) -> SessionRule:
    """A new event's rule (the event form's "sessions by rule"): its sessions, already made from the
    rule's days like typed ones, become the rule's, in the caller's transaction."""
    rule = SessionRule(event=event)
    _store(rule, spec)
    db.session.add(rule)
    db.session.flush()
    _materialise(event, rule, occurrence_times(spec, event.municipality.timezone), adopt=True)
    return rule


def _session_of(event: Event, session_id: int) -> EventSession:
    session = next((s for s in event.sessions if s.id == session_id), None)
    if session is None:
        raise RecurrenceError(_("This session does not exist."), "not_found", status=404)
    return session


@rolls_back_on_refusal
def change_occurrence(
    actor, event_id: int, session_id: int, day: date, starts: time, ends: time
) -> EventSession:
    """This occurrence only: it leaves its rule (its old day becomes an excluded date of the rule) and
    moves to the day and times given; the rule's other sessions are untouched."""
    event = _locked(actor, event_id)
    session = _session_of(event, session_id)
    if ends <= starts:
        raise RecurrenceError(_("A session must end after it starts."), "end_before_start", field="end_time")
    zone = event.municipality.timezone
    if session.rule is not None:
        rule = session.rule
        rule.excluded = [*rule.excluded, to_zone(session.starts_at, zone).date()]
        session.rule = None
    local = to_zone(session.starts_at, zone).tzinfo
    session.starts_at = datetime.combine(day, starts, tzinfo=local)
    session.ends_at = datetime.combine(day, ends, tzinfo=local)
    _follow_sessions(event)
    record_audit("event.session_changed", actor, event, session_id=session.id)
    db.session.commit()
    return session


@rolls_back_on_refusal
def change_following(actor, event_id: int, session_id: int, changes: RuleSpec) -> SessionRule:
    """This occurrence and all that follow: the rule stops the day before, and a new rule (the
    `changes`: times, days, last day) runs from this occurrence's day. Sessions already there keep
    their ids and attendances when their day stays in the new rule."""
    event = _locked(actor, event_id)
    session = _session_of(event, session_id)
    rule = session.rule
    if rule is None:
        raise RecurrenceError(_("This session does not repeat."), "not_repeating")
    zone = event.municipality.timezone
    split_day = to_zone(session.starts_at, zone).date()
    old = rule_spec(rule)
    changes.starts_on = split_day
    changes.excluded = [day for day in old.excluded if day >= split_day]
    if changes.until is None and changes.count is None:
        if old.until is None:  # a COUNT rule: the new one keeps the sessions left
            changes.count = sum(
                1 for s in event.sessions if s.rule_id == rule.id and s.starts_at >= session.starts_at
            )
        else:
            changes.until = old.until
    new_times = _checked_times(changes, zone)

    earlier = [s for s in event.sessions if s.rule_id == rule.id and s.starts_at < session.starts_at]
    following = [s for s in event.sessions if s.rule_id == rule.id and s.starts_at >= session.starts_at]
    new_rule = SessionRule(event=event)
    _store(new_rule, changes)
    db.session.add(new_rule)
    db.session.flush()
    for moved in following:
        moved.rule = new_rule
    db.session.flush()
    if earlier:
        old.until, old.count = split_day - timedelta(days=1), None
        old.excluded = [day for day in old.excluded if day < split_day]
        _store(rule, old)
    else:
        event.rules.remove(rule)  # nothing is left before the split: the new rule replaces it
    _materialise(event, new_rule, new_times)
    _follow_sessions(event)
    db.session.flush()
    record_audit("event.sessions_changed_following", actor, event, rule_id=new_rule.id, session_id=session.id)
    db.session.commit()
    return new_rule


def weekly(starts_on: date, start_time: time, end_time: time, **kwargs) -> RuleSpec:
    """A weekly rule on starts_on's weekday (demo data and tests)."""
    return RuleSpec(WEEKLY, starts_on, start_time, end_time, **kwargs)
