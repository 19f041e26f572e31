"""Open now and opens at: past midnight, in each municipality's own time zone, with dated exceptions;
and hours typed wrong are refused with the reason."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.accounts.queries import municipalities
from app.directory import queries
from app.directory.hours import HoursError, open_state, parse_exceptions, parse_intervals
from app.directory.models import Service
from app.directory.services import problems
from app.extensions import db
from tests.factories import make_municipality, make_service, service_data


@pytest.fixture(autouse=True)
def request_context(app):
    """Messages are translated for a request's language: English here."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def open_ids(at: datetime) -> set[int]:
    places = municipalities()
    statement = queries.filtered(queries.Filters(open_now=True), places, now=at)
    return {service.id for service in db.session.scalars(statement)}


def test_an_evening_desk_is_open_past_midnight_and_says_when_it_opens_next(oujda):
    # Friday 20:00 until Saturday 02:00, Oujda time (UTC+1 in December 2026).
    night = make_service(oujda, weekly_hours={4: "20:00-02:00+1"})
    saturday_1_30 = utc(2026, 12, 12, 0, 30)
    state = open_state(night, saturday_1_30)
    assert state.is_open and state.until.strftime("%a %H:%M") == "Sat 02:00"
    assert night.id in open_ids(saturday_1_30)

    saturday_2_30 = utc(2026, 12, 12, 1, 30)
    state = open_state(night, saturday_2_30)
    assert not state.is_open
    assert state.opens_at.isoformat() == "2026-12-18T20:00:00+01:00"
    assert night.id not in open_ids(saturday_2_30)


def test_the_same_moment_is_morning_in_one_municipality_and_midday_in_another(oujda):
    dubai = make_municipality("dubai", timezone="Asia/Dubai")
    here = make_service(oujda, weekly_hours={0: "09:00-12:00"})
    there = make_service(dubai, weekly_hours={0: "09:00-12:00"})
    monday_7_utc = utc(2026, 12, 7, 7, 0)  # 08:00 in Oujda, 11:00 in Dubai
    assert not open_state(here, monday_7_utc).is_open
    assert open_state(here, monday_7_utc).opens_at.isoformat() == "2026-12-07T09:00:00+01:00"
    assert open_state(there, monday_7_utc).is_open
    assert open_ids(monday_7_utc) == {there.id}


def test_a_closed_day_and_ramadan_hours_replace_the_weekly_hours(oujda):
    service = make_service(
        oujda,
        weekly_hours={0: "09:00-17:00", 2: "09:00-17:00"},
        exceptions="2026-12-07: closed\n2026-12-09..2026-12-10: 10:00-13:00, 21:00-01:00+1",
    )
    monday_noon = utc(2026, 12, 7, 11, 0)
    state = open_state(service, monday_noon)
    assert not state.is_open
    assert state.opens_at.isoformat() == "2026-12-09T10:00:00+01:00"  # Wednesday's Ramadan hours
    assert service.id not in open_ids(monday_noon)

    wednesday_9_30 = utc(2026, 12, 9, 8, 30)  # open at 09:30 on a normal Wednesday
    assert not open_state(service, wednesday_9_30).is_open
    assert service.id not in open_ids(wednesday_9_30)
    # Thursday is not a weekly day, but the exception opens it, past midnight into Friday.
    friday_0_30 = utc(2026, 12, 10, 23, 30)
    assert open_state(service, friday_0_30).is_open
    assert service.id in open_ids(friday_0_30)
    # The week after, the weekly hours are back.
    assert open_state(service, utc(2026, 12, 14, 11, 0)).is_open
    assert service.id in open_ids(utc(2026, 12, 14, 11, 0))


def test_an_entry_without_hours_says_so(oujda):
    service = make_service(oujda, weekly_hours={})
    assert open_state(service, utc(2026, 12, 7, 11, 0)).known is False


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12:00-09:00", "ends before it starts"),
        ("09:00-12:00, 11:00-13:00", "overlap"),
        ("09:00-25:00", "not a time"),
        ("nine to five", "not of the form"),
        ("09:00-17:00+1", "marked +1"),
    ],
)
def test_hours_typed_wrong_are_refused_with_the_reason(typed, reason):
    with pytest.raises(HoursError) as refused:
        parse_intervals(typed)
    assert reason in str(refused.value.message)


def test_an_overnight_interval_may_not_run_into_the_next_days_hours(oujda):
    monday_into_tuesday = service_data(oujda, weekly_hours={0: "22:00-03:00+1", 1: "02:00-05:00"})
    assert [e.field for e in problems(monday_into_tuesday)[0]] == ["hours_0"]
    sunday_into_monday = service_data(oujda, weekly_hours={6: "23:00-02:00+1", 0: "01:00-05:00"})
    assert [e.field for e in problems(sunday_into_monday)[0]] == ["hours_0"]


def test_exceptions_typed_wrong_name_their_line():
    with pytest.raises(HoursError, match="Line 2"):
        parse_exceptions("2026-12-25: closed\n2026-02-30: closed")
    with pytest.raises(HoursError, match="ends before it starts"):
        parse_exceptions("2026-12-31..2026-12-01: closed")
    with pytest.raises(HoursError, match="overlap"):
        parse_exceptions("2026-12-20..2026-12-31: closed\n2026-12-25: 10:00-12:00")


def test_every_broken_rule_is_reported_and_nothing_is_written(oujda):
    data = service_data(
        oujda, languages=["wo", "klingon"], latitude=95.0, longitude=-1.9, weekly_hours={0: "17:00-09:00"}
    )
    fields = sorted(e.field for e in problems(data)[0])
    assert fields == ["hours_0", "languages", "latitude"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Service)) == 0
