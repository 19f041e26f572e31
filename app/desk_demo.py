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
from app.directory.models import Sensitivity, Service, ServiceNeed
from app.directory.needs import Need
from app.directory.visits import DeskVisit, Referral, ReferralOutcome
from app.events.demo import demo_event
from app.events.models import Audience, EventStatus, EventType
from app.events.recurrence import RuleSpec, occurrence_times
from app.events.services.recurrence import add_session_rule
from app.extensions import db

TITLE_FR = "Guichet d'information hebdomadaire"
# Used only when the directory's own demo has not given Oujda any service yet.
STAND_IN_SERVICES = [
    (
        "Centre de santé de quartier (fictif)",
        "مركز صحي للحي (وهمي)",
        "Neighbourhood health centre (fictional)",
        "Association Santé pour tous (fictive)",
        Need.HEALTH,
        Sensitivity.PUBLIC,
    ),
    (
        "Permanence juridique (fictive)",
        "مداومة قانونية (وهمية)",
        "Legal aid drop-in (fictional)",
        "Collectif Droits et Migrations (fictif)",
        Need.LEGAL_AID,
        Sensitivity.PUBLIC,
    ),
    (
        "Cours de darija et de français (fictifs)",
        "دروس الدارجة والفرنسية (وهمية)",
        "Darija and French classes (fictional)",
        "Maison des langues (fictive)",
        Need.LANGUAGE_CLASSES,
        Sensitivity.PUBLIC,
    ),
    (
        "Orientation emploi (fictive)",
        "توجيه نحو الشغل (وهمي)",
        "Job orientation (fictional)",
        "Agence locale pour l'emploi (fictive)",
        Need.EMPLOYMENT,
        Sensitivity.PUBLIC,
    ),
    (
        "Écoute psychosociale (fictive)",
        "إنصات نفسي اجتماعي (وهمي)",
        "Psychosocial listening (fictional)",
        "Association Écoute (fictive)",
        Need.PSYCHOSOCIAL,
        Sensitivity.PUBLIC,
    ),
    (
        "Abri pour femmes (fictif)",
        "مأوى للنساء (وهمي)",
        "Women's shelter (fictional)",
        "Réseau Femmes solidaires (fictif)",
        Need.PROTECTION,
        Sensitivity.STAFF,
    ),
]


def seed_stand_in_services(municipality) -> list[Service]:
    """A handful of fictional services of `municipality`, when the directory has none there yet."""
    existing = list(
        db.session.scalars(
            sa.select(Service).where(Service.municipality_id == municipality.id, Service.retired_at.is_(None))
        )
    )
    if existing:
        return existing
    services = []
    for name_fr, name_ar, name_en, provider, need, sensitivity in STAND_IN_SERVICES:
        service = Service(
            municipality_id=municipality.id,
            name_fr=name_fr,
            name_ar=name_ar,
            name_en=name_en,
            provider_name=provider,
            sensitivity=sensitivity,
            walk_in=True,
            no_documents_needed=True,
        )
        service.needs = [ServiceNeed(need=need.value)]
        db.session.add(service)
        services.append(service)
    db.session.flush()
    return services


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
    services = seed_stand_in_services(oujda)
    db.session.commit()
    holiday = first + timedelta(weeks=6)
    spec = RuleSpec(
        "WEEKLY", first, time(10), time(13), until=first + timedelta(weeks=21), excluded=[holiday]
    )
    add_session_rule(organiser, event.id, spec)

    # Three months of visits on the past Wednesdays, a fixed seed so every demo is the same.
    chance = random.Random(17)  # noqa: S311 - demo data
    past = [s for s, _e in occurrence_times(spec, oujda.timezone) if s.date() < date.today()]
    referable = [s for s in services if s.retired_at is None]
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
