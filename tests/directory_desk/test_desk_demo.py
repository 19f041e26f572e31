"""The weekly desk's demo: a Wednesday rule with three months of visits and referrals, seeded once."""

from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.demo import seed_demo
from app.desk_demo import TITLE_FR
from app.directory.visits import DeskVisit, Referral
from app.events.models import Event, SessionRule
from app.extensions import db


def _counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (SessionRule, DeskVisit, Referral)
    )


def test_the_desk_repeats_on_wednesdays_with_three_months_of_visits(client):
    seed_demo()
    first = _counts()
    seed_demo()
    assert _counts() == first
    rules, visits, referrals = first
    desk = db.session.scalar(sa.select(Event).filter_by(title_fr=TITLE_FR))
    assert rules == 1 and len(desk.sessions) == 21  # 22 Wednesdays, one holiday
    oujda = ZoneInfo("Africa/Casablanca")
    assert {s.starts_at.astimezone(oujda).weekday() for s in desk.sessions} == {2}
    assert 13 * 6 <= visits <= 13 * 14 and referrals > visits // 2
    assert "RRULE:FREQ=WEEKLY;UNTIL=" in client.get(f"/events/{desk.id}/calendar.ics").text
