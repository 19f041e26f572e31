"""Demo programmes and their targets, as the two programmes' documents word them (events and
calls are attached by the events and proposals demo data). Running it twice changes nothing."""

from datetime import date

import sqlalchemy as sa

from app.events.models import EventType
from app.extensions import db
from app.programmes.models import Programme
from app.reports.models import Measure, Target

PROGRAMMES = {
    "3h": {
        "name": "Initiative 3H — Oujda",
        "name_ar": "مبادرة 3H — وجدة",  # the rest in French: the demo shows a marked fallback too
        "name_en": "3H Initiative — Oujda",
        "description": (
            "Hijra, Hakama wa Houkouk : promouvoir la cohésion sociale et l'éducation inclusive des "
            "personnes migrantes à Oujda (24 mois). Focus : femmes et enfants en situation de migration."
        ),
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2027, 12, 31),
        "municipalities": ["oujda"],
        # The bands the funder's logframe reports in (children, youth, adults, older people).
        "age_bands": "0-14,15-24,25-59,60+",
        "targets": [
            {
                "title": "800 personnes participent à des événements de sensibilisation "
                "aux droits des migrants",
                "measure": Measure.PEOPLE,
                "event_types": EventType.AWARENESS,
                "goal": 800,
                "share_dimension": "gender",
                "share_value": "woman",
                "share_min_percent": 50,
            },
            {
                "title": "30 enfants accèdent à des services et ressources éducatives (35 % de filles)",
                "measure": Measure.PEOPLE,
                "age_min": 0,
                "age_max": 17,
                "goal": 30,
                "share_dimension": "gender",
                "share_value": "woman",
                "share_min_percent": 35,
            },
            {
                "title": "1 000 habitants d'Oujda, migrants comme Marocains, "
                "proposent des projets participatifs",
                "measure": Measure.PROPOSALS,
                "goal": 1000,
            },
            {
                "title": "Habitants qui soutiennent les projets proposés",
                "measure": Measure.SUPPORTERS,
                "goal": 1000,
            },
        ],
    },
    "imigr": {
        "name": "I-MIGR — Raoued et La Marsa",
        "description": (
            "Promouvoir un système de gouvernance de la migration urbaine basé sur les droits, dans les "
            "municipalités de Raoued et La Marsa. Cofinancé par l'Union européenne (ICMPD), réalisé par "
            "le CIES Onlus avec ses partenaires."
        ),
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2027, 6, 30),
        "municipalities": ["raoued", "la-marsa"],
        "targets": [
            {
                "title": "25 personnes des municipalités et de la société civile formées sur huit journées",
                "measure": Measure.PEOPLE_MIN_SESSIONS,
                "event_types": EventType.TRAINING,
                "min_sessions": 8,
                "goal": 25,
            },
            {
                "title": "20 médiateurs et agents de santé et d'éducation formés sur cinq jours",
                "measure": Measure.PEOPLE_MIN_SESSIONS,
                "event_types": EventType.TRAINING,
                "min_sessions": 5,
                "goal": 20,
            },
            {
                "title": "Deux séminaires de deux jours pour 15 participants "
                "dans chaque nouvelle municipalité",
                "measure": Measure.PEOPLE_MIN_SESSIONS,
                "event_types": EventType.SEMINAR,
                "min_sessions": 2,
                "goal": 30,
            },
        ],
    },
}


def seed_programmes(accounts: dict, lines: list[str]) -> dict:
    municipalities = accounts["municipalities"]
    result = {}
    for key, spec in PROGRAMMES.items():
        programme = db.session.scalar(sa.select(Programme).filter_by(name=spec["name"]))
        if programme is None:
            programme = Programme(
                name=spec["name"],
                name_ar=spec.get("name_ar"),
                name_en=spec.get("name_en"),
                description=spec["description"],
                starts_on=spec["starts_on"],
                ends_on=spec["ends_on"],
                is_public=True,
                age_bands=spec.get("age_bands", ""),
                municipalities=[municipalities[slug] for slug in spec["municipalities"]],
            )
            programme.targets = [
                Target(position=position, **{"event_types": "", **target})
                for position, target in enumerate(spec["targets"])
            ]
            db.session.add(programme)
            lines.append(f"Programme: {spec['name']} ({len(spec['targets'])} targets)")
        result[key] = programme
    db.session.flush()
    return result
