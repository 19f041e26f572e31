"""Repeating sessions: weekly and daily rules on the municipality's clock (Morocco's Ramadan hour
change, Tunisia's fixed offset), excluded dates, one occurrence or all that follow, and the .ics."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from dateutil import rrule as du
from icalendar import Calendar

from app.core.time import to_zone
from app.events.errors import EventError
from app.events.models import Event, EventSession, SessionRule
from app.events.recurrence import DAILY, RuleSpec, TooManyOccurrences, occurrence_days, occurrence_times
from app.events.services.recurrence import add_session_rule, change_following, change_occurrence, weekly
from app.extensions import db
from tests.conftest import sign_in_as
from tests.factories import make_organiser
from tests.factories.events import make_attendance, make_event

TEN, ONE = time(10), time(13)
WINTER = date(2027, 1, 6)  # a Wednesday


def _local(session, zone):
    return to_zone(session.starts_at, zone)


# -- the rule itself -----------------------------------------------------------------------------


def test_weekly_rule_keeps_ten_oclock_through_moroccos_ramadan_hour():
    """Morocco leaves UTC+1 for UTC+0 during Ramadan (2027: 7 Feb to 14 Mar in the tz database): the
    desk stays at 10:00 on the clock of Oujda, so its UTC hour moves."""
    spec = weekly(WINTER, TEN, ONE, until=date(2027, 3, 31))
    times = occurrence_times(spec, "Africa/Casablanca")
    assert len(times) == 13
    zone = ZoneInfo("Africa/Casablanca")
    assert {start.astimezone(zone).time() for start, _end in times} == {TEN}
    utc_hours = {start.date(): start.hour for start, _end in times}
    assert utc_hours[date(2027, 1, 6)] == 9
    assert utc_hours[date(2027, 2, 17)] == 10  # Ramadan hour
    assert utc_hours[date(2027, 3, 24)] == 9
    assert {start.weekday() for start, _end in times} == {2}


def test_tunis_has_one_offset_all_year():
    times = occurrence_times(weekly(WINTER, TEN, ONE, until=date(2027, 8, 25)), "Africa/Tunis")
    assert {start.astimezone(UTC).hour for start, _end in times} == {9}


def test_excluded_dates_are_left_out_and_the_rrule_reads_back():
    spec = weekly(WINTER, TEN, ONE, until=date(2027, 2, 3), excluded=[date(2027, 1, 20)])
    assert occurrence_days(spec) == [date(2027, 1, 6), date(2027, 1, 13), date(2027, 1, 27), date(2027, 2, 3)]
    assert spec.rrule_text() == "FREQ=WEEKLY;BYDAY=WE;UNTIL=20270203T235959"
    back = RuleSpec.from_stored(spec.rrule_text(), WINTER, TEN, ONE, spec.excluded)
    assert occurrence_days(back) == occurrence_days(spec)


def test_an_eight_day_training_is_a_daily_rule_of_eight():
    spec = RuleSpec(DAILY, date(2027, 4, 5), time(9), time(12), count=8)
    assert occurrence_days(spec) == [date(2027, 4, 5) + timedelta(days=n) for n in range(8)]


def test_a_rule_of_too_many_sessions_is_refused():
    with pytest.raises(TooManyOccurrences):
        occurrence_days(RuleSpec(DAILY, WINTER, TEN, ONE, until=date(2030, 1, 1)))


# -- the services ----------------------------------------------------------------------------------


@pytest.fixture
def desk(oujda):
    """A desk event with one session typed on the first Wednesday, at the rule's times."""
    zone = ZoneInfo(oujda.timezone)
    event = make_event(oujda, title="Guichet", starts_in=timedelta(days=1))
    first = event.sessions[0]
    first.starts_at = datetime.combine(WINTER, TEN, tzinfo=zone)
    first.ends_at = datetime.combine(WINTER, ONE, tzinfo=zone)
    event.starts_at, event.ends_at = first.starts_at, first.ends_at
    db.session.commit()
    return event


def test_a_rule_materialises_its_sessions_and_adopts_the_one_typed(desk, organiser):
    typed_id = desk.sessions[0].id
    rule = add_session_rule(
        organiser, desk.id, weekly(WINTER, TEN, ONE, until=date(2027, 3, 31), excluded=[date(2027, 2, 17)])
    )
    event = db.session.get(Event, desk.id)
    assert len(event.sessions) == 12  # 13 Wednesdays, one excluded, the typed one adopted
    assert event.sessions[0].id == typed_id and event.sessions[0].rule_id == rule.id
    days = [_local(s, "Africa/Casablanca").date() for s in event.sessions]
    assert date(2027, 2, 17) not in days
    assert event.ends_at == event.sessions[-1].ends_at
    assert rule.rrule == "FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T235959"


def test_changing_one_occurrence_takes_it_out_of_the_rule(desk, organiser):
    rule = add_session_rule(organiser, desk.id, weekly(WINTER, TEN, ONE, until=date(2027, 2, 24)))
    event = db.session.get(Event, desk.id)
    third = event.sessions[2]
    change_occurrence(organiser, event.id, third.id, date(2027, 1, 21), time(14), time(16))
    db.session.expire_all()
    moved = db.session.get(EventSession, third.id)
    assert moved.rule_id is None
    assert _local(moved, "Africa/Casablanca").replace(tzinfo=None) == datetime(2027, 1, 21, 14)
    assert db.session.get(SessionRule, rule.id).excluded == [date(2027, 1, 20)]
    others = [s for s in db.session.get(Event, desk.id).sessions if s.id != third.id]
    assert {_local(s, "Africa/Casablanca").time() for s in others} == {TEN}


def test_this_and_following_splits_the_rule_and_keeps_attendance(desk, organiser):
    rule = add_session_rule(
        organiser, desk.id, weekly(WINTER, TEN, ONE, until=date(2027, 3, 31), excluded=[date(2027, 3, 17)])
    )
    event = db.session.get(Event, desk.id)
    split = event.sessions[4]  # 3 February
    later = event.sessions[6]
    make_attendance(later)
    spec = weekly(WINTER, time(14), time(17))
    new_rule = change_following(organiser, event.id, split.id, spec)
    db.session.expire_all()
    old = db.session.get(SessionRule, rule.id)
    assert old.rrule.endswith("UNTIL=20270202T235959")
    assert old.excluded == []
    new = db.session.get(SessionRule, new_rule.id)
    assert new.starts_on == date(2027, 2, 3) and new.rrule.endswith("UNTIL=20270331T235959")
    assert new.excluded == [date(2027, 3, 17)]
    sessions = db.session.get(Event, desk.id).sessions
    zone = "Africa/Casablanca"
    assert [_local(s, zone).time() for s in sessions[:4]] == [TEN] * 4
    assert {_local(s, zone).time() for s in sessions[4:]} == {time(14)}
    assert len(sessions) == 12
    # The session where someone was checked in is the same row, at the new time.
    kept = db.session.get(EventSession, later.id)
    assert kept.rule_id == new.id and _local(kept, zone).time() == time(14)


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        (weekly(WINTER, ONE, TEN, until=date(2027, 3, 31)), "end_before_start"),
        (weekly(WINTER, TEN, ONE, until=date(2026, 12, 1)), "until_before_start"),
        (RuleSpec(DAILY, WINTER, TEN, ONE, until=date(2029, 1, 1)), "too_many"),
        (weekly(WINTER, TEN, ONE), "unbounded"),
    ],
)
def test_bad_rules_are_refused_and_write_nothing(app, desk, organiser, spec, code):
    with app.test_request_context(), pytest.raises(EventError) as refused:
        add_session_rule(organiser, desk.id, spec)
    assert refused.value.code == code
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionRule)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventSession)) == 1


# -- the pages -----------------------------------------------------------------------------------


def test_the_form_adds_a_weekly_desk(client, desk, organiser):
    sign_in_as(client, organiser)
    assert client.get(f"/manage/events/{desk.id}/repeat").status_code == 200
    response = client.post(
        f"/manage/events/{desk.id}/repeat",
        data={"frequency": "WEEKLY", "weekdays": ["2"], "starts_on": "2027-01-06", "start_time": "10:00",
              "end_time": "13:00", "until": "2027-03-31", "excluded": "2027-02-17\n2027-03-03"},
    )
    assert response.status_code == 303
    assert len(db.session.get(Event, desk.id).sessions) == 11
    page = client.get(f"/manage/events/{desk.id}").get_data(as_text=True)
    assert "Repeats" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_time": "13:00", "end_time": "10:00"}, "A session must end after it starts."),
        ({"until": "2026-12-01"}, "The last day must be on or after the first day."),
        ({"frequency": "DAILY", "until": "2029-12-31"}, "more than 120 sessions"),
        ({"excluded": "18/02/2027"}, "is not a date: write it as 2027-02-18."),
    ],
)
def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(client, desk, organiser, fields, message):
    sign_in_as(client, organiser)
    data = {"frequency": "WEEKLY", "starts_on": "2027-01-06", "start_time": "10:00", "end_time": "13:00",
            "until": "2027-03-31", "excluded": "", **fields}
    response = client.post(f"/manage/events/{desk.id}/repeat", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.replace("&#34;", '"')
    assert 'value="2027-01-06"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionRule)) == 0


def test_the_change_page_splits_from_a_session(client, desk, organiser):
    add_session_rule(organiser, desk.id, weekly(WINTER, TEN, ONE, until=date(2027, 1, 27)))
    sign_in_as(client, organiser)
    third = db.session.get(Event, desk.id).sessions[2]
    url = f"/manage/events/{desk.id}/sessions/{third.id}/change"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"scope": "following", "start_time": "15:00", "end_time": "17:00"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionRule)) == 2
    times = [_local(s, "Africa/Casablanca").time() for s in db.session.get(Event, desk.id).sessions]
    assert times == [TEN, TEN, time(15), time(15)]


def test_another_municipalitys_organiser_is_answered_404_and_nothing_is_written(client, desk, la_marsa):
    rule = weekly(WINTER, TEN, ONE, until=date(2027, 1, 27))
    add_session_rule(make_organiser(desk.municipality), desk.id, rule)
    stranger = make_organiser(la_marsa, display_name="Other desk")
    sign_in_as(client, stranger)
    session = db.session.get(Event, desk.id).sessions[1]
    before = [(s.id, s.starts_at) for s in db.session.get(Event, desk.id).sessions]
    assert client.get(f"/manage/events/{desk.id}/repeat").status_code == 404
    data = {"frequency": "DAILY", "starts_on": "2027-05-01", "start_time": "10:00", "end_time": "11:00",
            "count": "3"}
    assert client.post(f"/manage/events/{desk.id}/repeat", data=data).status_code == 404
    url = f"/manage/events/{desk.id}/sessions/{session.id}/change"
    assert client.get(url).status_code == 404
    change = {"scope": "following", "start_time": "15:00", "end_time": "17:00"}
    assert client.post(url, data=change).status_code == 404
    db.session.expire_all()
    assert [(s.id, s.starts_at) for s in db.session.get(Event, desk.id).sessions] == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionRule)) == 1


def test_the_calendar_file_carries_the_rrule_and_exdates(client, desk, organiser):
    add_session_rule(
        organiser, desk.id, weekly(WINTER, TEN, ONE, until=date(2027, 3, 31), excluded=[date(2027, 2, 17)])
    )
    event = db.session.get(Event, desk.id)
    change_occurrence(organiser, event.id, event.sessions[1].id, date(2027, 1, 14), TEN, ONE)
    body = client.get(f"/events/{desk.id}/calendar.ics").data
    calendar = Calendar.from_ical(body)
    entries = list(calendar.walk("VEVENT"))
    repeating = [e for e in entries if "RRULE" in e]
    assert len(repeating) == 1 and len(entries) == 2  # the rule, and the session moved out of it
    entry = repeating[0]
    assert entry["RRULE"]["FREQ"] == ["WEEKLY"] and entry["RRULE"]["BYDAY"] == ["WE"]
    assert entry.decoded("DTSTART").tzinfo is not None
    assert str(entry["DTSTART"].params["TZID"]) == "Africa/Casablanca"
    assert list(calendar.walk("VTIMEZONE"))
    # Expanded again from the file alone, the rule gives exactly the rule's sessions.
    start = entry.decoded("DTSTART")
    rules = du.rrulestr(entry["RRULE"].to_ical().decode(), dtstart=start, forceset=True)
    exdates = entry["EXDATE"] if isinstance(entry["EXDATE"], list) else [entry["EXDATE"]]
    for group in exdates:
        for moment in group.dts:
            rules.exdate(moment.dt)
    expected = sorted(s.starts_at for s in db.session.get(Event, desk.id).sessions if s.rule_id)
    assert [moment.astimezone(UTC) for moment in rules] == expected


def test_the_event_form_leaves_the_repeating_sessions_to_their_rule(client, desk, organiser):
    """The edit form lists only the sessions typed on their own; saving it keeps the rule's."""
    from tests.events.test_management import event_form

    add_session_rule(organiser, desk.id, weekly(date(2027, 1, 13), TEN, ONE, until=date(2027, 2, 24)))
    sign_in_as(client, organiser)
    page = client.get(f"/manage/events/{desk.id}/edit").get_data(as_text=True)
    assert "Repeating sessions are not listed here" in page
    assert 'value="2027-01-13"' not in page
    event = db.session.get(Event, desk.id)
    rule_ids = sorted(s.id for s in event.sessions if s.rule_id)
    data = event_form(desk.municipality, day=date(2027, 1, 5), version=str(event.version))
    assert client.post(f"/manage/events/{desk.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    event = db.session.get(Event, desk.id)
    assert sorted(s.id for s in event.sessions if s.rule_id) == rule_ids
    assert len(event.sessions) == len(rule_ids) + 1
    assert _local(event.sessions[0], "Africa/Casablanca").date() == date(2027, 1, 5)
    assert event.ends_at == event.sessions[-1].ends_at
