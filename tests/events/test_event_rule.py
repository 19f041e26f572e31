"""Sessions by rule on the new event form: "8 sessions, every day from 12 January at 9:00"."""

from datetime import date, time

import sqlalchemy as sa

from app.core.time import to_zone
from app.events.models import Event, EventSession, SessionRule
from app.extensions import db
from tests.conftest import sign_in_as
from tests.events.test_management import event_form
from tests.factories import make_organiser

FIRST = date(2027, 1, 12)


def _ruled(municipality, **rule):
    """The new event form with its session rows left empty and a rule instead."""
    form = event_form(municipality, **{"sessions-0-day": "", "sessions-0-starts": "", "sessions-0-ends": ""})
    form.update({f"repeat-{key}": value for key, value in rule.items()})
    return form


def _counts() -> tuple[int, int, int]:
    models = (Event, EventSession, SessionRule)
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in models)


def test_eight_sessions_every_day_from_12_january_at_nine(client, organiser, oujda):
    sign_in_as(client, organiser)
    page = client.get("/manage/events/new").text
    assert "Or sessions by rule" in page and 'name="repeat-frequency"' in page
    form = _ruled(oujda, frequency="DAILY", starts_on=FIRST.isoformat(), start_time="09:00", end_time="12:00",
                  count="8")
    response = client.post("/manage/events/new", data=form)
    assert response.status_code == 303
    event = db.session.scalar(sa.select(Event))
    days = [to_zone(s.starts_at, oujda.timezone) for s in event.sessions]
    assert [d.date() for d in days] == [date(2027, 1, day) for day in range(12, 20)]
    assert {d.time() for d in days} == {time(9, 0)}
    [rule] = event.rules
    assert rule.rrule == "FREQ=DAILY;COUNT=8" and {s.rule_id for s in event.sessions} == {rule.id}
    assert to_zone(event.starts_at, oujda.timezone).date() == FIRST
    manage = client.get(response.headers["Location"]).text
    assert manage.count("Repeats") >= 8


def test_typed_sessions_and_a_weekly_rule_together(client, organiser, oujda):
    sign_in_as(client, organiser)
    form = _ruled(oujda, frequency="WEEKLY", starts_on=FIRST.isoformat(), start_time="10:00",
                  end_time="13:00", until="2027-02-02", weekdays=["1", "3"])  # Tuesdays and Thursdays
    form.update({"sessions-0-day": "2027-01-09", "sessions-0-starts": "10:00", "sessions-0-ends": "12:00"})
    assert client.post("/manage/events/new", data=form).status_code == 303
    event = db.session.scalar(sa.select(Event))
    # 12 January 2027 is a Tuesday: 12, 14, 19, 21, 26, 28 January and 2 February.
    assert len(event.sessions) == 1 + 7 and sum(1 for s in event.sessions if s.rule_id) == 7


def test_a_bad_rule_keeps_what_was_typed_and_writes_nothing(client, organiser, oujda):
    sign_in_as(client, organiser)
    cases = [
        ({"end_time": "08:00", "count": "8"}, "A session must end after it starts."),
        ({"end_time": "12:00"}, "Give the last day, or how many sessions there are."),
        ({"end_time": "12:00", "count": "0"}, "The number of sessions must be a whole number above zero."),
        ({"end_time": "12:00", "count": "500"}, "This rule gives more than 120 sessions"),
        ({"end_time": "12:00", "until": "2027-01-01"}, "The last day must be on or after the first day."),
    ]
    for rule, message in cases:
        form = _ruled(oujda, frequency="DAILY", starts_on=FIRST.isoformat(), start_time="09:00", **rule)
        page = client.post("/manage/events/new", data=form)
        assert page.status_code == 422, rule
        assert message in page.text, rule
        assert 'value="Maison des jeunes"' in page.text and 'value="2027-01-12"' in page.text
    missing = client.post("/manage/events/new", data=_ruled(oujda, frequency="DAILY", count="8"))
    assert missing.status_code == 422 and "Give the first day." in missing.text
    assert _counts() == (0, 0, 0)


def test_no_rule_chosen_leaves_the_form_as_before(client, organiser, oujda):
    sign_in_as(client, organiser)
    form = event_form(oujda)
    form.update({"repeat-frequency": "", "repeat-count": "oops"})  # ignored: no rule chosen
    assert client.post("/manage/events/new", data=form).status_code == 303
    assert _counts() == (1, 1, 0)


def test_a_rule_for_another_municipality_is_refused(client, la_marsa, oujda):
    sign_in_as(client, make_organiser(la_marsa))
    form = _ruled(oujda, frequency="DAILY", starts_on=FIRST.isoformat(), start_time="09:00", end_time="12:00",
                  count="8")
    page = client.post("/manage/events/new", data=form)
    assert page.status_code in (403, 422)
    assert "You can only run events in the municipalities you organise for." in page.text
    assert _counts() == (0, 0, 0)
