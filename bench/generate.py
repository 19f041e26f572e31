"""A deterministic data set the size of a whole region's programmes, written with bulk inserts.

`python -m bench.generate --people 100000 --events 5000 --attendances 1000000 --proposals 20000
--supports 1000000` fills an empty, migrated database (SQLite or PostgreSQL; DATABASE_URL, as the app
reads it) in minutes. The same seed gives the same rows. Counters (confirmed_count, support_count,
...) are written equal to the rows they count.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

import click
import sqlalchemy as sa

from app.accounts.models import Municipality, Participant, ParticipantCard, Role, RoleAssignment, User
from app.accounts.passwords import hash_password
from app.directory.models import OpeningHours, Service, ServiceLanguage, ServiceNeed
from app.directory.needs import Need
from app.events import tally
from app.events.models import Attendance, Event, EventSession, Registration
from app.extensions import db
from app.programmes.models import Programme, programme_municipality
from app.proposals.models import Comment, Proposal, ProposalCall, ProposalCategory, Support
from app.reports.models import Target

CHUNK = 5_000
BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - synthetic accounts only
TOWNS = [
    ("oujda", "Oujda", "وجدة", "MA", "Africa/Casablanca"), ("raoued", "Raoued", "رواد", "TN", "Africa/Tunis"),
    ("la-marsa", "La Marsa", "المرسى", "TN", "Africa/Tunis"), ("berkane", "Berkane", "بركان", "MA",
    "Africa/Casablanca"), ("nador", "Nador", "الناظور", "MA", "Africa/Casablanca"),
    ("ariana", "Ariana", "أريانة", "TN", "Africa/Tunis"), ("sfax", "Sfax", "صفاقس", "TN", "Africa/Tunis"),
    ("tanger", "Tanger", "طنجة", "MA", "Africa/Casablanca"),
]
EVENT_TYPES = ["open_day", "awareness", "seminar", "training", "workshop", "info_desk"]
GENDERS = ["woman", "man", "undisclosed"]
ORIGINS = ["host", "migrant", "refugee", "returnee", "undisclosed"]
CATEGORIES = ["Culture", "Éducation", "Espace public", "Santé", "Jeunesse"]
CHANNELS = ["online", "assisted", "paper", "group"]
COUNTRIES = ["MA", "TN", "SN", "CI", "ML", "GN", "CM", "NG", "SD", "CD"]
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _insert(model_or_table, rows: list[dict]) -> None:
    """executemany in chunks; rows are grouped by the columns they give (the rest take defaults)."""
    table = getattr(model_or_table, "__table__", model_or_table)
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for group in groups.values():
        for start in range(0, len(group), CHUNK):
            db.session.execute(sa.insert(table), group[start:start + CHUNK])


def generate(people: int, events: int, attendances: int, proposals: int, supports: int,
             seed: int = 2026, echo=print, services: int = 5_000) -> dict[str, int]:
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        raise RuntimeError("generate fills an empty database: run it on a fresh one (flask db upgrade).")
    rng = random.Random(seed)
    password_hash = hash_password(BENCH_PASSWORD)

    towns = [dict(id=i + 1, slug=s, name_fr=fr, name_ar=ar, name_en=fr, country_code=c, timezone=z)
             for i, (s, fr, ar, c, z) in enumerate(TOWNS)]
    _insert(Municipality, towns)

    participants, users, cards = [], [], []
    for pid in range(1, people + 1):
        consented = rng.random() < 0.85
        participants.append(dict(
            id=pid, display_name=f"Personne {pid}", created_at=NOW,
            gender=rng.choices(GENDERS, (52, 45, 3))[0] if consented else None,
            birth_year=rng.randint(1950, 2020) if consented else None,
            origin=rng.choices(ORIGINS, (55, 30, 8, 4, 3))[0] if consented else None,
            country_code=rng.choice(COUNTRIES) if consented else None,
            consent_at=NOW if consented else None,
        ))
        if pid % 5:  # four in five have an account, the others a participant card
            users.append(dict(id=pid, email=f"person{pid}@bench.example", display_name=f"Personne {pid}",
                              password_hash=password_hash, participant_id=pid, created_at=NOW,
                              confirmed_at=NOW,  # register, propose and support need a confirmed account
                              is_admin=pid == 1, is_disabled=False, session_version=1))
        else:
            cards.append(dict(participant_id=pid, code=f"C{pid:08d}", is_active=True, issued_at=NOW))
    _insert(Participant, participants)
    _insert(User, users)
    _insert(ParticipantCard, cards)
    user_ids = [u["id"] for u in users]
    # user 2 organises and user 3 reviews in every town: the staff pages the benchmark visits
    _insert(RoleAssignment, [dict(user_id=uid, role=role, municipality_id=t["id"], granted_at=NOW)
                             for uid, role in ((2, Role.ORGANISER), (3, Role.REVIEWER)) for t in towns])
    echo(f"  {people} people, {len(users)} accounts, {len(cards)} cards")

    _insert(Programme, [dict(id=1, name_fr="Initiative 3H — Oujda", starts_on=date(2025, 1, 1),
                             ends_on=date(2027, 12, 31), is_public=True)])
    _insert(programme_municipality, [dict(programme_id=1, municipality_id=t["id"]) for t in towns])
    _insert(Target, [
        dict(programme_id=1, position=0, title_fr="Personnes sensibilisées", measure="people",
             event_types="awareness", goal=800, share_dimension="gender", share_value="woman",
             share_min_percent=50),
        dict(programme_id=1, position=1, title_fr="Enfants touchés", measure="people", age_max=17, goal=30,
             share_dimension="gender", share_value="woman", share_min_percent=35),
        dict(programme_id=1, position=2, title_fr="Agents formés", measure="people_min_sessions",
             event_types="training", min_sessions=6, goal=25),
    ])

    event_rows, session_rows, sessions_of = [], [], {}
    session_id = 0
    for eid in range(1, events + 1):
        kind = rng.choice(EVENT_TYPES)
        count = 8 if kind == "training" else 1
        start = NOW + timedelta(days=rng.randint(-540, 180), hours=rng.randint(0, 8))
        ids = []
        for day in range(count):
            session_id += 1
            ids.append(session_id)
            at = start + timedelta(days=day)
            session_rows.append(
                dict(id=session_id, event_id=eid, starts_at=at, ends_at=at + timedelta(hours=3))
            )
        sessions_of[eid] = ids
        event_rows.append(dict(
            id=eid, municipality_id=rng.randint(1, len(towns)), programme_id=1, event_type=kind,
            status="published" if rng.random() < 0.95 else "cancelled",
            title_fr=f"{kind.replace('_', ' ').title()} {eid}", title_ar=f"نشاط {eid}", title_en=None,
            description_fr="Rencontre entre voisins et nouveaux arrivants.",
            venue_fr="Maison de quartier", venue_ar="دار الحي", venue_en=None,
            languages="fr,ar", audience="everyone", starts_at=start,
            ends_at=start + timedelta(days=count - 1, hours=3), created_at=NOW, updated_at=NOW, version=1,
            confirmed_count=0, waiting_count=0, capacity=None,
        ))

    registrations, attendance_rows = [], []
    per_session = max(attendances // max(session_id, 1), 1)
    registration_id = 0
    for event in event_rows:
        ids = sessions_of[event["id"]]
        group = rng.sample(range(1, people + 1), min(people, int(per_session * 1.1) + 1))
        for pid in group:
            registration_id += 1
            registrations.append(dict(id=registration_id, event_id=event["id"], participant_id=pid,
                                      status="confirmed", ticket_code=f"T{registration_id:09d}",
                                      queued_at=NOW, confirmed_at=NOW, created_at=NOW))
            for sid in ids:
                if rng.random() < 0.9:
                    attendance_rows.append(dict(session_id=sid, event_id=event["id"], participant_id=pid,
                                                registration_id=registration_id, is_walk_in=False,
                                                checked_in_at=NOW))
        event["confirmed_count"] = len(group)
        event["capacity"] = len(group) + rng.randint(0, 20)
        for sid in ids:  # a few anonymous walk-ins per session, counted as attendances only
            for _ in range(rng.randint(0, 4)):
                attendance_rows.append(dict(session_id=sid, event_id=event["id"], participant_id=None,
                                            is_walk_in=True, anonymous_gender=rng.choice(GENDERS),
                                            anonymous_age_band=rng.choice(["0-14", "15-24", "25-59", "60+"]),
                                            anonymous_origin=rng.choice(ORIGINS), checked_in_at=NOW))
    _insert(Event, event_rows)
    _insert(EventSession, session_rows)
    _insert(Registration, registrations)
    _insert(Attendance, attendance_rows)
    echo(f"  {events} events, {session_id} sessions, {len(registrations)} registrations, "
         f"{len(attendance_rows)} attendances")

    calls, categories = [], []
    for index, town in enumerate(towns):
        for year in range(3):
            call_id = index * 3 + year + 1
            opens = NOW - timedelta(days=60 + 365 * (2 - year))
            # This year's calls are in their support phase for years: the data set is made once and
            # kept, and the write mix supports and withdraws whenever the bench runs (a 90-day phase
            # ended on 2026-12-01 and left the write mix with registrations only).
            support_days = 90 if year < 2 else 3 * 365
            calls.append(dict(id=call_id, municipality_id=town["id"], programme_id=1,
                              title_fr=f"Appel à projets {town['name_fr']} {2024 + year}",
                              submission_opens_at=opens, submission_closes_at=opens + timedelta(days=30),
                              support_opens_at=opens + timedelta(days=30),
                              support_closes_at=opens + timedelta(days=support_days),
                              review_opens_at=opens + timedelta(days=support_days),
                              results_at=opens + timedelta(days=support_days + 60), created_at=NOW))
            categories += [dict(id=(call_id - 1) * 5 + i + 1, call_id=call_id, position=i, name_fr=name)
                           for i, name in enumerate(CATEGORIES)]
    _insert(ProposalCall, calls)
    _insert(ProposalCategory, categories)

    weights = [rng.paretovariate(1.2) for _ in range(proposals)]
    scale = supports / sum(weights)
    counts = [min(len(user_ids), int(w * scale)) for w in weights]
    for index in range(supports - sum(counts)):  # what rounding down left out, one more each
        if counts[index % proposals] < len(user_ids):
            counts[index % proposals] += 1
    proposal_rows, support_rows, comment_rows = [], [], []
    for pid in range(1, proposals + 1):
        call_id = rng.randint(1, len(calls))
        author = rng.choice(user_ids)
        supporters = rng.sample(user_ids, counts[pid - 1])
        proposal_rows.append(dict(
            id=pid, call_id=call_id, category_id=(call_id - 1) * 5 + rng.randint(1, 5), author_id=author,
            participant_id=author, channel=rng.choices(CHANNELS, (70, 15, 10, 5))[0],
            title=f"Projet de quartier {pid}", description="Un lieu pour apprendre ensemble.",
            place="Centre", status=rng.choice(["submitted", "under_study", "accepted", "rejected", "done"]),
            support_count=len(supporters), comment_count=2, is_hidden=False,
            created_at=NOW - timedelta(days=rng.randint(0, 700)), updated_at=NOW,
        ))
        support_rows += [dict(proposal_id=pid, user_id=uid, call_id=call_id, created_at=NOW)
                         for uid in supporters]
        comment_rows += [dict(proposal_id=pid, author_id=rng.choice(user_ids), body="Bonne idée !",
                              is_hidden=False, created_at=NOW) for _ in range(2)]
    _insert(Proposal, proposal_rows)
    _insert(Support, support_rows)
    _insert(Comment, comment_rows)
    echo(f"  {proposals} proposals, {len(support_rows)} supports, {len(comment_rows)} comments")

    _generate_services(services, [t["id"] for t in towns], rng, echo)
    echo(f"  attendance tally: {tally.rebuild()} rows (person x event)")
    _reset_sequences()
    register_bench_person()
    db.session.commit()
    _analyse()
    return {"people": people, "events": events, "attendances": len(attendance_rows),
            "proposals": proposals, "supports": len(support_rows), "services": services}


def _generate_services(count: int, town_ids: list[int], rng: random.Random, echo) -> None:
    """Directory entries: public and verified, one to three needs, two or three languages, weekday
    hours; one in twenty retired (not listed)."""
    needs = list(Need)
    rows, need_rows, language_rows, hours_rows = [], [], [], []
    for sid in range(1, count + 1):
        rows.append(dict(
            id=sid, municipality_id=rng.choice(town_ids), name_fr=f"Service {sid}", name_ar=f"خدمة {sid}",
            name_en=f"Service {sid}", description_fr="Accueil et orientation.",
            description_ar="استقبال وتوجيه.", description_en="Welcome and guidance.",
            provider_name=f"Association {sid % 400}",
            provider_kind="ngo", address_fr=f"{sid} rue de la Paix", address_ar=f"{sid} زنقة السلام",
            walk_in=rng.random() < 0.6,
            no_documents_needed=rng.random() < 0.4, phone="+212 536 00 00 00", sensitivity="public",
            verified_at=NOW - timedelta(days=rng.randint(0, 400)),
            retired_at=NOW if sid % 20 == 0 else None, created_at=NOW, updated_at=NOW,
        ))
        need_rows += [dict(service_id=sid, need=str(need)) for need in rng.sample(needs, rng.randint(1, 3))]
        language_rows += [dict(service_id=sid, code=code)
                          for code in ["fr", "ar"] + (["wo"] if sid % 3 == 0 else [])]
        hours_rows += [dict(service_id=sid, weekday=day, opens=time(9), closes=time(17)) for day in range(5)]
    _insert(Service, rows)
    _insert(ServiceNeed, need_rows)
    _insert(ServiceLanguage, language_rows)
    _insert(OpeningHours, hours_rows)
    echo(f"  {count} directory entries, {len(need_rows)} needs, {len(hours_rows)} opening hours")


def _analyse() -> None:
    """Planner statistics and PostgreSQL's visibility map, as a bulk load in production would be
    followed: without them the first reports read every row (500 ms instead of 60 ms) until
    autovacuum comes by."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def _reset_sequences() -> None:
    """Rows were given explicit ids: PostgreSQL's sequences must continue after them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608 - our names
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"
            ))


BENCH_PERSON = 2  # the organiser whose cookie make bench uses (bench/pages.py BENCH_USER)
BENCH_UPCOMING = 3


def register_bench_person(now: datetime | None = None) -> int:
    """The benchmark's signed-in person holds tickets for a few upcoming events at every data size,
    so "my events" runs the same statements at both sizes (an empty page skips loading sessions).
    Idempotent; counters kept equal to the rows. Returns how many registrations it added."""
    now = now or datetime.now(UTC)
    upcoming = db.session.scalars(
        sa.select(Event).where(Event.status == "published", Event.ends_at >= now)
        .order_by(Event.id).limit(BENCH_UPCOMING)
    ).all()
    mine = set(db.session.scalars(
        sa.select(Registration.event_id).where(Registration.participant_id == BENCH_PERSON)
    ))
    added = 0
    for event in upcoming:
        if event.id in mine:
            continue
        db.session.add(Registration(event_id=event.id, participant_id=BENCH_PERSON, status="confirmed",
                                    ticket_code=f"B{event.id:09d}", queued_at=NOW, confirmed_at=NOW,
                                    created_at=NOW))
        event.confirmed_count += 1
        if event.capacity is not None and event.capacity < event.confirmed_count:
            event.capacity = event.confirmed_count
        added += 1
    return added


@click.command()
@click.option("--people", default=100_000, show_default=True)
@click.option("--events", default=5_000, show_default=True)
@click.option("--attendances", default=1_000_000, show_default=True)
@click.option("--proposals", default=20_000, show_default=True)
@click.option("--supports", default=1_000_000, show_default=True)
@click.option("--services", default=5_000, show_default=True, help="Directory entries.")
@click.option("--seed", default=2026, show_default=True)
@click.option("--only-services", is_flag=True, help="Add the directory to a data set generated before it.")
def main(people, events, attendances, proposals, supports, services, seed, only_services):
    """Fill an empty, migrated database with a deterministic benchmark data set."""
    from app import create_app

    with create_app().app_context():
        if only_services:
            towns = list(db.session.scalars(sa.select(Municipality.id).order_by(Municipality.id)))
            _generate_services(services, towns, random.Random(seed), click.echo)
            _reset_sequences()
            db.session.commit()
            _analyse()
            return
        counts = generate(people, events, attendances, proposals, supports, seed=seed, echo=click.echo,
                          services=services)
    click.echo("Generated: " + ", ".join(f"{value} {name}" for name, value in counts.items()))


if __name__ == "__main__":
    main()
