"""Demo data of the weekly information desk: Oujda's desk every Wednesday 10:00-13:00 (a repeating
rule, from thirteen weeks ago to eight weeks ahead, one holiday excluded), with three months of visits
and referrals to directory services and their outcomes.

It sits at the top of the app beside app/demo.py because it joins two domains of the same layer
(events for the rule, the directory for the visits). Idempotent: nothing is added when the desk event
exists already."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

import sqlalchemy as sa

from app.accounts.models import AgeBand, Gender, Origin
from app.directory.models import Service
from app.directory.needs import Need
from app.directory.visits import DeskVisit, Referral, ReferralOutcome
from app.events.demo import demo_event
from app.events.models import Audience, EventStatus, EventType
from app.events.recurrence import RuleSpec, occurrence_times
from app.events.services.recurrence import add_session_rule
from app.extensions import db

TITLE_FR = "Guichet d'information hebdomadaire"


def _desk_services(municipality) -> list[Service]:
    """The services the directory's demo (seeded just before) gives the desk's municipality."""
    return list(
        db.session.scalars(
            sa.select(Service)
            .where(Service.municipality_id == municipality.id, Service.retired_at.is_(None))
            .order_by(Service.id)
        )
    )


def _wednesday_weeks_ago(weeks: int) -> date:
    today = date.today()
    return today - timedelta(days=(today.weekday() - 2) % 7) - timedelta(weeks=weeks)


def seed_desk(accounts: dict, programmes: dict, lines: list[str]) -> None:
    oujda = accounts["municipalities"]["oujda"]
    organiser = accounts["users"]["organiser@jiwar.example"]
    first = _wednesday_weeks_ago(13)
    row = (
        "oujda",
        "desk",
        EventType.INFO_DESK,
        EventStatus.PUBLISHED,
        TITLE_FR,
        "شباك الإرشاد الأسبوعي",
        "Weekly information desk",
        "Chaque mercredi matin : services, orientation, sans rendez-vous.",
        "Maison de quartier Lazaret",
        None,
        "fr,ar",
        Audience.EVERYONE,
        (first - date.today()).days,
        1,
        0,
        10,
        3,
    )
    _key, event, created = demo_event(row, accounts["municipalities"], accounts["users"], programmes or {})
    if not created:
        return
    db.session.commit()
    holiday = first + timedelta(weeks=6)
    spec = RuleSpec(
        "WEEKLY", first, time(10), time(13), until=first + timedelta(weeks=21), excluded=[holiday]
    )
    add_session_rule(organiser, event.id, spec)

    # Three months of visits on the past Wednesdays, a fixed seed so every demo is the same.
    chance = random.Random(17)  # noqa: S311 - demo data
    past = [s for s, _e in occurrence_times(spec, oujda.timezone) if s.date() < date.today()]
    referable = _desk_services(oujda)
    visits = referrals = 0
    for session_start in past:
        for _ in range(chance.randint(6, 14)):
            moment = session_start + timedelta(minutes=chance.randint(0, 170))
            visit = DeskVisit(
                municipality_id=oujda.id,
                visited_at=moment,
                recorded_by_id=organiser.id,
                topics=",".join(
                    sorted({chance.choice(list(Need)).value for _ in range(chance.randint(1, 2))})
                ),
                anonymous_gender=chance.choice([Gender.WOMAN.value, Gender.MAN.value, None]),
                anonymous_age_band=chance.choice([b.value for b in AgeBand] + [None]),
                anonymous_origin=chance.choice([o.value for o in Origin][:3] + [None]),
            )
            for service in chance.sample(referable, k=chance.randint(0, min(2, len(referable)))):
                outcome = chance.choice(
                    [ReferralOutcome.REACHED] * 3
                    + [ReferralOutcome.NOT_YET, ReferralOutcome.REFUSED, ReferralOutcome.UNKNOWN]
                )
                visit.referrals.append(Referral(service_id=service.id, outcome=outcome.value))
                referrals += 1
            db.session.add(visit)
            visits += 1
    db.session.flush()
    lines.append(
        f"Weekly desk in Oujda: {len(event.sessions)} Wednesday sessions, "
        f"{visits} visits, {referrals} referrals."
    )
