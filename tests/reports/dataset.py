"""A small fixed data set whose figures are computed by hand in the tests (see test_figures.py).

Programme "3H" (Oujda) holds E1 (awareness, 10 March 2026, one session) and E2 (training, 2 June
2025, three daily sessions); E3 is a workshop in La Marsa, outside the programme.

person  gender  born  origin   country  consent   E1  E2 sessions  E3
A       woman   1990  migrant  CI       yes       1   3            -
B       woman   2011  migrant  CI       yes       1   2            -    (14 at E2, 15 at E1)
C       man     1985  host     MA       yes       1   -            1
D       man     1960  refugee  SN       yes       -   1            -    (65 at E2)
P       woman   2000  host     MA       NO        1   -            -    (counted, "not recorded")
walk-ins at E1: W1 woman/15-24/migrant, W2 man/25-59/host, W3 nothing recorded.

Record keys (app/reports/cellkey.py) are fixed here (KEYS), so that a test can say which figure a
protected page publishes: `published(count, key_sum)`; the app draws them at random.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from app.core.time import utcnow
from app.events.models import EventType
from app.extensions import db
from app.reports.cellkey import cell_key, perturbed
from tests.factories import (
    make_attendance,
    make_call,
    make_event,
    make_municipality,
    make_organiser,
    make_programme,
    make_proposal,
    make_registration,
    make_support,
    make_user,
)

CONSENT = datetime(2025, 1, 5, 10, tzinfo=UTC)
KEYS = {"A": 11, "B": 23, "C": 37, "D": 41, "P": 53, "W1": 61, "W2": 71, "W3": 83}


def published(count: int, key_sum: int, threshold: int = 5) -> int:
    """The figure a protected page shows for `count` records whose keys add up to `key_sum`."""
    return perturbed(count, cell_key(key_sum), threshold)


def on(moment: datetime):
    """`starts_in` for make_event so that the event starts at `moment`."""
    return moment - utcnow().replace(microsecond=0)


@dataclass
class Dataset:
    oujda: object
    la_marsa: object
    programme: object
    e1: object
    e2: object
    e3: object
    people: dict
    organiser: object
    organiser_marsa: object
    call: object


def build_dataset() -> Dataset:
    oujda = make_municipality("oujda")
    la_marsa = make_municipality("la-marsa")
    programme = make_programme([oujda], name="Initiative 3H — Oujda")
    e1 = make_event(
        oujda,
        event_type=EventType.AWARENESS,
        programme_id=programme.id,
        starts_in=on(datetime(2026, 3, 10, 9, tzinfo=UTC)),
    )
    e2 = make_event(
        oujda,
        event_type=EventType.TRAINING,
        programme_id=programme.id,
        sessions=3,
        starts_in=on(datetime(2025, 6, 2, 9, tzinfo=UTC)),
    )
    e3 = make_event(
        la_marsa, event_type=EventType.WORKSHOP, starts_in=on(datetime(2026, 4, 1, 9, tzinfo=UTC))
    )
    specs = {
        "A": {
            "gender": "woman",
            "birth_year": 1990,
            "origin": "migrant",
            "country_code": "CI",
            "consent_at": CONSENT,
        },
        "B": {
            "gender": "woman",
            "birth_year": 2011,
            "origin": "migrant",
            "country_code": "CI",
            "consent_at": CONSENT,
        },
        "C": {
            "gender": "man",
            "birth_year": 1985,
            "origin": "host",
            "country_code": "MA",
            "consent_at": CONSENT,
        },
        "D": {
            "gender": "man",
            "birth_year": 1960,
            "origin": "refugee",
            "country_code": "SN",
            "consent_at": CONSENT,
        },
        "P": {
            "gender": "woman",
            "birth_year": 2000,
            "origin": "host",
            "country_code": "MA",
            "consent_at": None,
        },
    }
    people = {
        name: make_user(
            f"Personne {name}",
            email=f"{name.lower()}@example.org",
            phone=f"+21261000000{i}",
            record_key=KEYS[name],
            **fields,
        )
        for i, (name, fields) in enumerate(specs.items())
    }

    def attend(event, name, sessions):
        participant = people[name].participant
        registration = make_registration(event, participant)
        for session in event.sessions[:sessions]:
            make_attendance(session, participant, registration_id=registration.id)

    for name in ("A", "B", "C", "P"):
        attend(e1, name, 1)
    attend(e2, "A", 3)
    attend(e2, "B", 2)
    attend(e2, "D", 1)
    attend(e3, "C", 1)
    make_attendance(
        e1.sessions[0],
        anonymous_gender="woman",
        anonymous_age_band="15-24",
        anonymous_origin="migrant",
        record_key=KEYS["W1"],
    )
    make_attendance(
        e1.sessions[0],
        anonymous_gender="man",
        anonymous_age_band="25-59",
        anonymous_origin="host",
        record_key=KEYS["W2"],
    )
    make_attendance(e1.sessions[0], record_key=KEYS["W3"])

    call = make_call(oujda, programme_id=programme.id)
    by_a = make_proposal(call, people["A"])
    by_c = make_proposal(call, people["C"])
    make_proposal(call, people["B"], status="withdrawn")
    make_proposal(call, people["D"], is_hidden=True, hidden_reason="abusive")
    for name in ("A", "B", "C"):
        make_support(by_c, people[name])
    make_support(by_a, people["A"])
    other_call = make_call(la_marsa)
    make_proposal(other_call, people["C"])

    organiser = make_organiser(oujda, display_name="Organiser Oujda")
    organiser_marsa = make_organiser(la_marsa, display_name="Organiser La Marsa")
    db.session.commit()
    return Dataset(oujda, la_marsa, programme, e1, e2, e3, people, organiser, organiser_marsa, call)
