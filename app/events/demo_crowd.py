"""A past awareness day in Oujda with a believable crowd, so the demo's programme page, reports and
charts have figures to show (and small groups to hide)."""

import random

from app.accounts.models import Participant
from app.core.codes import new_ticket_code
from app.core.time import utcnow
from app.events.models import Attendance, Event, Registration, RegistrationStatus
from app.extensions import db

FIRST_NAMES = {
    "woman": ["Fatima", "Khadija", "Aïcha", "Mariam", "Awa", "Nadia", "Salma", "Grace", "Fatoumata", "Hind"],
    "man": ["Mohamed", "Youssef", "Moussa", "Ibrahima", "Karim", "Omar", "Samuel", "Hamza", "Issa", "Adil"],
}
# (gender, origin, country, how many): more women than men, as the programme's target asks
CROWD = [
    ("woman", "host", "MA", 12), ("woman", "migrant", "SN", 6), ("woman", "migrant", "CI", 5),
    ("woman", "refugee", "SD", 2), ("man", "host", "MA", 9), ("man", "migrant", "ML", 5),
    ("man", "migrant", "GN", 4), ("man", "refugee", "CM", 1), ("undisclosed", "undisclosed", None, 2),
]


def seed_awareness_crowd(event: Event, organiser) -> int:
    """Everyone in CROWD registered, consented at the desk and came; returns how many."""
    rng = random.Random(3)  # the same crowd on every machine
    session = event.sessions[0]
    count = 0
    for gender, origin, country, how_many in CROWD:
        for _ in range(how_many):
            names = FIRST_NAMES.get(gender) or FIRST_NAMES["woman"] + FIRST_NAMES["man"]
            participant = Participant(
                display_name=f"{rng.choice(names)} {chr(65 + rng.randrange(26))}.",
                gender=gender,
                birth_year=rng.choice([1958, 1969, 1975, 1984, 1990, 1996, 2001, 2005, 2009, 2013]),
                origin=origin,
                country_code=country,
                consent_at=session.starts_at,
                consent_recorded_by_id=organiser.id,
            )
            registration = Registration(
                event=event, participant=participant, status=RegistrationStatus.CONFIRMED,
                ticket_code=new_ticket_code(), queued_at=utcnow(), confirmed_at=utcnow(),
            )
            db.session.add_all([participant, registration])
            db.session.flush()
            db.session.add(Attendance(session=session, event_id=event.id, participant=participant,
                                      registration_id=registration.id, checked_in_at=session.starts_at,
                                      checked_in_by_id=organiser.id))
            count += 1
    event.confirmed_count += count
    return count
