"""Demo events in Oujda, Raoued and La Marsa, with registrations, a waiting list and attendance.

Idempotent: an event is found again by its municipality and French title, a card holder by name,
so running the seed twice changes nothing.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.accounts.models import Participant, ParticipantCard
from app.core.codes import new_card_code, new_ticket_code
from app.core.time import utcnow
from app.events.demo_crowd import seed_awareness_crowd
from app.events.models import (
    AgeBand,
    Attendance,
    Audience,
    Event,
    EventSession,
    EventStatus,
    EventType,
    Registration,
    RegistrationStatus,
)
from app.extensions import db

# (municipality, key, type, status, fr, ar, en, description fr, venue in French (VENUES has the
#  others), capacity, languages, audience,
#  first session in days from today, number of sessions, days between sessions, start hour, hours)
EVENTS = [
    (
        "oujda",
        "open_day",
        EventType.OPEN_DAY,
        EventStatus.PUBLISHED,
        "Journée portes ouvertes du centre d'accueil",
        "يوم الأبواب المفتوحة لمركز الاستقبال",
        "Reception centre open day",
        "Découvrez les services du centre : accompagnement administratif, cours de langue, orientation "
        "vers les soins. Thé et pâtisseries offerts.",
        "Centre d'accueil, quartier Al Qods",
        None,
        "fr,ar",
        Audience.EVERYONE,
        5,
        1,
        0,
        10,
        5,
    ),
    (
        "oujda",
        "health",
        EventType.AWARENESS,
        EventStatus.PUBLISHED,
        "Sensibilisation : l'accès aux soins pour tous",
        "توعية: الحق في العلاج للجميع",
        "Awareness session: healthcare for everyone",
        "Qui peut se faire soigner, où et comment ? Avec une médecin du centre de santé et une juriste.",
        "Maison de quartier Lazaret",
        40,
        "fr,ar,en",
        Audience.EVERYONE,
        12,
        1,
        0,
        15,
        2,
    ),
    (
        "oujda",
        "sewing",
        EventType.TRAINING,
        EventStatus.PUBLISHED,
        "Formation couture et retouches (8 séances)",
        "تكوين في الخياطة (8 حصص)",
        "Sewing training (8 sessions)",
        "Huit samedis pour apprendre la couture de base et les retouches. Machines fournies.",
        "Espace associatif Annour",
        12,
        "fr,ar",
        Audience.WOMEN,
        10,
        8,
        7,
        9,
        3,
    ),
    (
        "oujda",
        "computer",
        EventType.TRAINING,
        EventStatus.PUBLISHED,
        "Initiation à l'informatique (8 séances)",
        "مدخل إلى الإعلاميات (8 حصص)",
        "Computer basics (8 sessions)",
        "Clavier, courriel, démarches en ligne : huit séances pour être à l'aise avec un ordinateur.",
        "Médiathèque municipale",
        15,
        "fr,ar",
        Audience.EVERYONE,
        -40,
        8,
        3,
        14,
        2,
    ),
    (
        "oujda",
        "cooking",
        EventType.WORKSHOP,
        EventStatus.PUBLISHED,
        "Atelier cuisine du monde",
        "ورشة مطبخ العالم",
        "World cooking workshop",
        "Chacun apporte une recette de chez lui ; on cuisine et on mange ensemble.",
        "Cuisine de la maison de quartier Lazaret",
        3,
        "fr,ar,en",
        Audience.EVERYONE,
        8,
        1,
        0,
        16,
        3,
    ),
    (
        "oujda",
        "draft",
        EventType.SEMINAR,
        EventStatus.DRAFT,
        "Séminaire des associations partenaires (brouillon)",
        None,
        None,
        "Programme en préparation.",
        "Salle de la commune",
        50,
        "fr",
        Audience.PROFESSIONALS,
        30,
        1,
        0,
        9,
        4,
    ),
    (
        "la-marsa",
        "seminar",
        EventType.SEMINAR,
        EventStatus.PUBLISHED,
        "Séminaire : vivre ensemble à La Marsa",
        "ندوة: العيش المشترك في المرسى",
        "Seminar: living together in La Marsa",
        "Élus, associations et habitants échangent sur l'accueil des nouveaux arrivants.",
        "Palais Abdellia",
        60,
        "ar,fr",
        Audience.EVERYONE,
        15,
        1,
        0,
        9,
        4,
    ),
    (
        "la-marsa",
        "theatre",
        EventType.WORKSHOP,
        EventStatus.PUBLISHED,
        "Atelier théâtre pour les jeunes",
        "ورشة مسرح للشباب",
        "Youth theatre workshop",
        "Improvisation et expression, en arabe et en français, pour les 15-24 ans.",
        "Maison des jeunes de La Marsa",
        20,
        "ar,fr",
        Audience.YOUTH,
        20,
        1,
        0,
        14,
        3,
    ),
    (
        "raoued",
        "rights",
        EventType.AWARENESS,
        EventStatus.PUBLISHED,
        "Caravane : les droits des travailleurs migrants",
        "قافلة: حقوق العمال المهاجرين",
        "Caravan: the rights of migrant workers",
        "Permanence juridique mobile et information sur le droit du travail.",
        "Place du marché de Raoued",
        None,
        "fr,ar,en",
        Audience.EVERYONE,
        6,
        1,
        0,
        10,
        4,
    ),
    (
        "raoued",
        "past_open_day",
        EventType.OPEN_DAY,
        EventStatus.PUBLISHED,
        "Journée portes ouvertes de l'espace jeunesse",
        "يوم مفتوح لفضاء الشباب",
        "Youth space open day",
        "Visite, animations et inscriptions aux activités de l'année.",
        "Espace jeunesse de Raoued",
        None,
        "ar,fr",
        Audience.EVERYONE,
        -14,
        1,
        0,
        10,
        6,
    ),
    (
        "oujda",
        "past_awareness",
        EventType.AWARENESS,
        EventStatus.PUBLISHED,
        "Sensibilisation : droits des personnes migrantes et accès aux services",
        "توعية: حقوق المهاجرين والولوج إلى الخدمات",
        "Awareness day: migrants' rights and access to services",
        "Une matinée d'échanges avec l'Initiative 3H : droits, santé, école, démarches administratives.",
        "Maison de quartier Lazaret",
        None,
        "fr,ar",
        Audience.EVERYONE,
        -21,
        1,
        0,
        9,
        4,
    ),
]

# The venues in Arabic (and English where a visitor from abroad may come): the French is in EVENTS.
VENUES = {
    "Centre d'accueil, quartier Al Qods": ("مركز الاستقبال، حي القدس", "Reception centre, Al Qods district"),
    "Maison de quartier Lazaret": ("دار الحي لازاري", "Lazaret community centre"),
    "Espace associatif Annour": ("فضاء جمعية النور", None),
    "Médiathèque municipale": ("الخزانة الوسائطية البلدية", "Municipal media library"),
    "Cuisine de la maison de quartier Lazaret": ("مطبخ دار الحي لازاري", None),
    "Salle de la commune": ("قاعة الجماعة", None),
    "Palais Abdellia": ("قصر العبدلية", "Abdellia Palace"),
    "Maison des jeunes de La Marsa": ("دار الشباب بالمرسى", None),
    "Place du marché de Raoued": ("ساحة سوق رواد", "Raoued market square"),
    "Espace jeunesse de Raoued": ("فضاء الشباب برواد", None),
}

CARD_HOLDERS = ["Aminata", "Ousmane", "Mariam K.", "Jean-Baptiste", "Hafsa", "Koffi"]
OWNERS = {
    "oujda": "organiser@jiwar.example",
    "la-marsa": "organiser.marsa@jiwar.example",
    "raoued": "organiser.marsa@jiwar.example",
}


def _at(days: int, hour: int, zone: str) -> datetime:
    day = date.today() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def demo_event(row, municipalities, users, programmes) -> tuple[str, Event, bool]:
    """(key, event, created) of one row shaped as EVENTS': found again by its municipality and French
    title, else added (not flushed) with its sessions. The desk's demo (app/desk_demo.py) uses it too."""
    (
        slug,
        key,
        kind,
        status,
        fr,
        ar,
        en,
        description,
        venue,
        capacity,
        languages,
        audience,
        first,
        count,
        gap,
        hour,
        hours,
    ) = row
    municipality = municipalities[slug]
    event = db.session.scalar(sa.select(Event).filter_by(municipality_id=municipality.id, title_fr=fr))
    if event is not None:
        return key, event, False
    programme = programmes.get("3h" if slug == "oujda" else "imigr")
    if programme is not None and municipality not in programme.municipalities:
        programme = None
    starts = [_at(first + i * gap, hour, municipality.timezone) for i in range(count)]
    venue_ar, venue_en = VENUES.get(venue, (None, None))
    event = Event(
        municipality=municipality,
        programme_id=programme.id if programme else None,
        event_type=kind,
        status=status,
        title_fr=fr,
        title_ar=ar,
        title_en=en,
        description_fr=description,
        venue_fr=venue,
        venue_ar=venue_ar,
        venue_en=venue_en,
        capacity=capacity,
        languages=languages,
        audience=audience,
        starts_at=starts[0],
        ends_at=starts[-1] + timedelta(hours=hours),
        created_by_id=users[OWNERS[slug]].id,
        version=1,
    )
    event.sessions = [EventSession(starts_at=s, ends_at=s + timedelta(hours=hours)) for s in starts]
    db.session.add(event)
    return key, event, True


def _card_holders(organiser, municipality) -> dict[str, Participant]:
    """The six card holders, all issued at the Oujda desk."""
    holders = {}
    for name in CARD_HOLDERS:
        participant = db.session.scalar(
            sa.select(Participant).where(Participant.display_name == name, Participant.cards.any())
        )
        if participant is None:
            participant = Participant(display_name=name)
            participant.cards = [
                ParticipantCard(
                    code=new_card_code(), issued_by_id=organiser.id, municipality_id=municipality.id
                )
            ]
            db.session.add(participant)
        holders[name] = participant
    return holders


def _register(event: Event, participant: Participant, status: str = RegistrationStatus.CONFIRMED) -> None:
    """Written directly with the counters in step (the seed runs alone, no lock needed)."""
    registration = Registration(
        event=event, participant=participant, status=status, ticket_code=new_ticket_code(), queued_at=utcnow()
    )
    if status == RegistrationStatus.CONFIRMED:
        registration.confirmed_at = utcnow()
        event.confirmed_count += 1
    elif status == RegistrationStatus.WAITING:
        event.waiting_count += 1
    db.session.add(registration)


def _attend(event: Event, participant: Participant, sessions: list[int], by) -> None:
    for index in sessions:
        session = event.sessions[index]
        db.session.add(
            Attendance(
                session=session,
                event_id=event.id,
                participant=participant,
                checked_in_at=session.starts_at,
                checked_in_by_id=by.id,
            )
        )


ANONYMOUS = [
    ("woman", AgeBand.ADULT, "migrant"),
    ("man", AgeBand.YOUTH, "host"),
    ("woman", AgeBand.YOUTH, "host"),
    ("woman", AgeBand.CHILD, "migrant"),
    ("man", AgeBand.ADULT, "refugee"),
    ("woman", AgeBand.SENIOR, "host"),
    ("man", AgeBand.ADULT, "migrant"),
    ("undisclosed", AgeBand.ADULT, "undisclosed"),
]


def seed_events(accounts: dict, programmes: dict, lines: list[str]) -> None:
    municipalities, users = accounts["municipalities"], accounts["users"]
    events, created = {}, set()
    for row in EVENTS:
        key, event, is_new = demo_event(row, municipalities, users, programmes or {})
        events[key] = event
        if is_new:
            created.add(key)
    db.session.flush()
    organiser, marsa = users["organiser@jiwar.example"], users["organiser.marsa@jiwar.example"]
    holders = _card_holders(organiser, municipalities["oujda"])
    resident = users["resident@jiwar.example"].participant
    db.session.flush()

    if "health" in created:
        _register(events["health"], resident)
        for name in ("Aminata", "Hafsa", "Koffi"):
            _register(events["health"], holders[name])
    if "cooking" in created:  # full, with a waiting list: the resident waits second
        for name in ("Ousmane", "Mariam K.", "Jean-Baptiste"):
            _register(events["cooking"], holders[name])
        _register(events["cooking"], holders["Aminata"], RegistrationStatus.WAITING)
        _register(events["cooking"], resident, RegistrationStatus.WAITING)
    if "sewing" in created:
        for name in ("Hafsa", "Mariam K.", "Aminata"):
            _register(events["sewing"], holders[name])
    if "computer" in created:  # finished: who came to how many of the 8 sessions
        computer = events["computer"]
        for participant, sessions in (
            (resident, range(7)),
            (holders["Ousmane"], range(6)),
            (holders["Koffi"], range(8)),
            (holders["Jean-Baptiste"], (0, 1, 2)),
        ):
            _register(computer, participant)
            db.session.flush()
            _attend(computer, participant, list(sessions), organiser)
    if "past_open_day" in created:
        open_day = events["past_open_day"]
        db.session.flush()
        session = open_day.sessions[0]
        for gender, band, origin in ANONYMOUS * 2:
            db.session.add(
                Attendance(
                    session=session,
                    event_id=open_day.id,
                    is_walk_in=True,
                    anonymous_gender=gender,
                    anonymous_age_band=band,
                    anonymous_origin=origin,
                    checked_in_at=session.starts_at,
                    checked_in_by_id=marsa.id,
                )
            )
        db.session.add(
            Attendance(
                session=session,
                event_id=open_day.id,
                is_walk_in=True,
                participant=holders["Koffi"],
                checked_in_at=session.starts_at,
                checked_in_by_id=marsa.id,
            )
        )
    if "past_awareness" in created:
        crowd = seed_awareness_crowd(events["past_awareness"], organiser)
        lines.append(f"Past awareness day in Oujda: {crowd} people counted at the door.")
    db.session.flush()
    lines.append(f"Demo events: {len(events)} ({len(created)} new), {len(holders)} participant cards.")
