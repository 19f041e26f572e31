"""Soak test: mixed traffic against gunicorn (4 workers, production config), then the database is
checked against what the clients saw.

    .venv/bin/python -m bench.soak          # also run by `make bench`

BENCH_SOAK_SECONDS (default 60) of traffic per database, BENCH_SOAK_USERS (default 24) residents
and BENCH_SOAK_DOORS (default 2) door phones, each a thread with its own keep-alive connection, its
own signed session cookie and CSRF token, and BENCH_SOAK_VISITORS (default 8) anonymous visitors
who carry no cookie (someone opening a link shared on WhatsApp); BENCH_SOAK_MAX_REQUESTS bounds the
count (default 500,000); BENCH_DATABASES as bench/run.py. The small data set of bench/run.py (5,000 people) is
generated once and cloned for each run, so the soak never changes the databases `make bench`
measures. Residents browse the events list and event pages, open their own events, register and
cancel, support and withdraw support; visitors read the same public pages and the calls; door
phones open their door page and check people in. Everything goes to 127.0.0.1. Appends its section
to bench/SOAK.md.
"""

import http.client
import os
import platform
import random
import secrets
import shutil
import sqlite3
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from bench.cache_stats import summed_counts
from bench.run import SECRET_KEY, Server, _cpu_model, _memory, database_url, prepare
from config import ProductionConfig

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "SOAK.md"
SCALE = "small"
WORKERS = 4
REGISTRATION_EVENTS = 12
DOOR_EVENTS = 3
PROPOSALS = 30
SEATS_LEFT = 8  # per event: the waiting list fills within seconds, so cancellations promote people


@dataclass
class Plan:
    events: list[int]
    proposals: list[int]
    door: dict[int, list[int]]  # session id -> participants registered to its event
    residents: list[int]
    door_staff: int = 2  # organiser in every town (bench/generate.py)


@dataclass
class Seen:
    """What the clients saw: latencies per action, errors, and the last successful action."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    registered: dict[tuple[int, int], str] = field(default_factory=dict)  # (user, event) -> last success
    supported: dict[tuple[int, int], bool] = field(default_factory=dict)  # (user, proposal) -> supports?
    checked_in: set[tuple[int, int]] = field(default_factory=set)  # (session, participant)
    successes: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)


def clone(kind: str) -> str:
    """A fresh copy of the small bench database for this run."""
    source = database_url(kind, SCALE)
    prepare(source, SCALE)
    if kind == "sqlite":
        path = Path(source.removeprefix("sqlite:///"))
        target = path.with_name("soak.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"sqlite:///{target}"
    return copy_postgres(source, "jiwar_bench_soak")


def copy_postgres(source: str, name: str) -> str:
    """A fresh PostgreSQL database `name` made from `source` as template; its URL."""
    url = sa.make_url(source)
    admin = sa.create_engine(url.set(drivername="postgresql+psycopg", database="postgres"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def arrange(app) -> Plan:
    """Open registration on a few events (few seats left), a support phase on a few calls, and
    door sessions with nobody checked in yet: the actions of the soak then mostly succeed."""
    from app.accounts.models import User
    from app.events import tally
    from app.events.models import Attendance, Event, Registration
    from app.extensions import db
    from app.proposals.models import Proposal, ProposalCall

    now = datetime.now(UTC)
    users = int(os.environ.get("BENCH_SOAK_USERS", "24"))
    with app.app_context():
        single = (sa.select(Event).where(Event.status == "published", Event.event_type != "training")
                  .order_by(Event.id).limit(REGISTRATION_EVENTS + DOOR_EVENTS))
        chosen = db.session.scalars(single).all()
        for index, event in enumerate(chosen[:REGISTRATION_EVENTS]):
            event.starts_at = now + timedelta(days=10, hours=index)
            event.ends_at = event.starts_at + timedelta(hours=3)
            event.registration_opens_at = event.registration_closes_at = None
            event.capacity = event.confirmed_count + SEATS_LEFT
            for session in event.sessions:
                session.starts_at, session.ends_at = event.starts_at, event.ends_at
        door = {}
        for event in chosen[REGISTRATION_EVENTS:]:
            session = event.sessions[0]
            # Under way: the door accepts check-ins from JIWAR_CHECK_IN_OPENS_HOURS before a session.
            event.starts_at = session.starts_at = now - timedelta(hours=1)
            event.ends_at = session.ends_at = now + timedelta(hours=2)
            db.session.execute(sa.delete(Attendance).where(Attendance.session_id == session.id))
            door[session.id] = list(db.session.scalars(
                sa.select(Registration.participant_id).where(Registration.event_id == event.id,
                                                             Registration.status == "confirmed")))
        calls = db.session.scalars(sa.select(ProposalCall).where(ProposalCall.id % 3 == 0)).all()
        for call in calls:
            call.submission_opens_at, call.submission_closes_at = now - timedelta(60), now - timedelta(30)
            call.support_opens_at, call.support_closes_at = now - timedelta(30), now + timedelta(30)
            call.review_opens_at, call.results_at = now + timedelta(30), now + timedelta(60)
            call.support_cap = None
        proposals = db.session.scalars(
            sa.select(Proposal)
            .where(Proposal.call_id.in_([call.id for call in calls]), Proposal.is_hidden.is_(False))
            .order_by(Proposal.id).limit(PROPOSALS)).all()
        for proposal in proposals:
            proposal.status = "submitted"
        authors = {proposal.author_id for proposal in proposals}
        residents = db.session.scalars(
            sa.select(User.id).where(User.id > 3, User.is_disabled.is_(False), User.id.not_in(authors))
            .order_by(User.id).limit(users)).all()
        plan = Plan([e.id for e in chosen[:REGISTRATION_EVENTS]], [p.id for p in proposals], door,
                    list(residents))
        db.session.flush()
        tally.rebuild()  # the door's attendances were deleted in bulk, past the tally
        db.session.commit()
        db.engine.dispose()
    return plan


def credentials(app, user_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Per session: the signed cookie (user, session clocks, raw CSRF token) and the signed token
    Flask-WTF expects in X-CSRFToken (flask_wtf/csrf.py: URLSafeTimedSerializer, salt wtf-csrf-token)."""
    from itsdangerous import URLSafeTimedSerializer

    from app.accounts.models import User
    from app.extensions import db

    signer = URLSafeTimedSerializer(SECRET_KEY, salt="wtf-csrf-token")
    out = {}
    with app.app_context():
        serializer = app.session_interface.get_signing_serializer(app)
        for index, user_id in enumerate(user_ids):
            user = db.session.get(User, user_id)
            raw = secrets.token_hex(20)
            now = int(time.time())
            session = {"_user_id": user.get_id(), "_fresh": True, "signed_in_at": now, "seen_at": now,
                       "csrf_token": raw}
            cookie = f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps(session)}"
            out[index] = (cookie, signer.dumps(raw))
        db.engine.dispose()
    return out


class Client:
    """One virtual user: one keep-alive connection, one session, what it saw."""

    def __init__(self, connect, cookie: str, token: str, reader, seen: Seen):
        """connect: makes a new connection to the server (plain HTTP to gunicorn, or TLS to nginx)."""
        self.connect, self.cookie, self.token, self.reader, self.seen = connect, cookie, token, reader, seen
        self.connection = connect()
        self.origin = getattr(connect, "origin", None)

    def request(self, action: str, method: str, path: str, form: dict | None = None):
        headers = {"Accept-Language": "en"}
        if self.cookie:  # a visitor carries none
            headers["Cookie"] = self.cookie
        if self.origin:  # over HTTPS Flask-WTF wants the page the form was on, of this very host
            headers["Referer"] = f"{self.origin}/en{path}"
        body = None
        if method == "POST":
            headers.update({"X-CSRFToken": self.token, "Content-Type": "application/x-www-form-urlencoded"})
            body = urlencode(form or {})
        started = time.perf_counter()
        try:
            self.connection.request(method, "/en" + path, body=body, headers=headers)  # the page's language
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = self.connect()
            with self.seen.lock:
                self.seen.errors.append(f"{action}: {type(error).__name__}")
            return None, None
        elapsed = (time.perf_counter() - started) * 1000
        with self.seen.lock:
            self.seen.latencies[action].append(elapsed)
            self.seen.statuses[response.status] += 1
            if response.status >= 500 or b"database is locked" in data:
                self.seen.errors.append(f"{action}: {response.status}")
        return response.status, self.flashes(response)

    def flashes(self, response) -> list[tuple[str, str]]:
        """The flash messages the response put in the session cookie: success or refusal."""
        for header in response.headers.get_all("Set-Cookie") or []:
            morsel = SimpleCookie(header).get(ProductionConfig.SESSION_COOKIE_NAME)
            if morsel is not None and morsel.value:
                return [tuple(item) for item in self.reader.loads(morsel.value).get("_flashes", [])]
        return []


def resident(client: Client, user_id: int, plan: Plan, deadline: float, budget, rng: random.Random):
    seen = client.seen
    mine: set[int] = set()  # events this person registered for, proposals they support
    backed: set[int] = set()
    while time.monotonic() < deadline and budget():
        event = rng.choice(plan.events)
        proposal = rng.choice(plan.proposals)
        roll = rng.random()
        if 0.68 <= roll < 0.78 and mine and rng.random() < 0.8:
            event = rng.choice(sorted(mine))  # people mostly cancel what they registered for
        if roll >= 0.91 and backed and rng.random() < 0.8:
            proposal = rng.choice(sorted(backed))
        if roll < 0.21:
            client.request("events list", "GET", f"/events?page={rng.randint(1, 3)}")
        elif roll < 0.25:  # their tickets, upcoming or past
            client.request("my events", "GET", "/me/events" + rng.choice(["", "?when=past"]))
        elif roll < 0.45:
            client.request("event page", "GET", f"/events/{event}")
        elif roll < 0.55:
            client.request("proposal page", "GET", f"/proposals/{proposal}")
        elif roll < 0.68:
            status, flashes = client.request("register", "POST", f"/events/{event}/register")
            if _record(seen, "register", status, flashes, ("registered", user_id, event)):
                mine.add(event)
        elif roll < 0.78:
            status, flashes = client.request("cancel", "POST", f"/events/{event}/cancel-registration")
            if _record(seen, "cancel", status, flashes, ("cancelled", user_id, event)):
                mine.discard(event)
        elif roll < 0.91:
            status, flashes = client.request("support", "POST", f"/proposals/{proposal}/support")
            if _record(seen, "support", status, flashes, ("supported", user_id, proposal)):
                backed.add(proposal)
        else:
            status, flashes = client.request("withdraw support", "POST", f"/proposals/{proposal}/unsupport")
            if _record(seen, "withdraw support", status, flashes, ("withdrawn", user_id, proposal)):
                backed.discard(proposal)


def visitor(client: Client, plan: Plan, deadline: float, budget, rng: random.Random):
    """Someone with no account and no cookie: the public pages only (app/core/page_cache.py keeps them)."""
    while time.monotonic() < deadline and budget():
        roll = rng.random()
        if roll < 0.4:
            client.request("events list (visitor)", "GET", f"/events?page={rng.randint(1, 3)}")
        elif roll < 0.7:
            client.request("event page (visitor)", "GET", f"/events/{rng.choice(plan.events)}")
        elif roll < 0.9:
            client.request("proposal page (visitor)", "GET", f"/proposals/{rng.choice(plan.proposals)}")
        else:
            client.request("calls (visitor)", "GET", "/calls")


def door(client: Client, plan: Plan, deadline: float, budget, rng: random.Random):
    sessions = list(plan.door)
    while time.monotonic() < deadline and budget():
        session = rng.choice(sessions)
        if rng.random() < 0.2:
            client.request("door page", "GET", f"/door/sessions/{session}")
            continue
        participant = rng.choice(plan.door[session])
        status, flashes = client.request("check in", "POST", f"/door/sessions/{session}/check-in",
                                         {"participant_id": participant})
        _record(client.seen, "check in", status, flashes, ("present", session, participant))


def _record(seen: Seen, action: str, status, flashes, effect) -> bool:
    """Note a successful action's effect (a 303 without an error message); True if it succeeded."""
    if status != 303:
        return False
    if any(category == "error" for category, _message in flashes):
        with seen.lock:
            seen.refused[action] += 1
        return False
    kind, first, second = effect
    with seen.lock:
        seen.successes[action] += 1
        if kind in ("registered", "cancelled"):
            seen.registered[(first, second)] = kind
        elif kind in ("supported", "withdrawn"):
            seen.supported[(first, second)] = kind == "supported"
        else:
            seen.checked_in.add((first, second))
    return True


def drive(server: Server, app, plan: Plan, seconds: float) -> tuple[Seen, float, int]:
    from flask.sessions import SecureCookieSessionInterface

    doors = int(os.environ.get("BENCH_SOAK_DOORS", "2"))
    limit = int(os.environ.get("BENCH_SOAK_MAX_REQUESTS", "500000"))
    people = credentials(app, plan.residents + [plan.door_staff] * doors)
    reader = SecureCookieSessionInterface().get_signing_serializer(app)
    seen = Seen()

    def budget() -> bool:
        return sum(len(values) for values in seen.latencies.values()) + len(seen.errors) < limit

    started = time.monotonic()
    deadline = started + seconds
    threads = []
    connect = getattr(server, "connect", None) or (
        lambda: http.client.HTTPConnection("127.0.0.1", server.port, timeout=30))
    for index, (cookie, token) in people.items():
        client = Client(connect, cookie, token, reader, seen)
        rng = random.Random(index)
        if index < len(plan.residents):
            args = (client, plan.residents[index], plan, deadline, budget, rng)
            threads.append(threading.Thread(target=resident, args=args))
        else:
            threads.append(threading.Thread(target=door, args=(client, plan, deadline, budget, rng)))
    for index in range(int(os.environ.get("BENCH_SOAK_VISITORS", "8"))):
        client = Client(connect, "", "", reader, seen)
        threads.append(threading.Thread(target=visitor, args=(client, plan, deadline, budget,
                                                              random.Random(1000 + index))))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return seen, elapsed, len(threads)


def verify(app, plan: Plan, seen: Seen) -> dict[str, int]:
    """The database against what the clients saw."""
    from app.accounts.models import User
    from app.events.models import Attendance, Registration
    from app.extensions import db
    from app.proposals.models import Support
    from app.reports import rollups

    sql = {
        "events over capacity": "SELECT COUNT(*) FROM event WHERE capacity IS NOT NULL "
                                "AND confirmed_count > capacity",
        "confirmed_count or waiting_count wrong": """
            SELECT COUNT(*) FROM event e WHERE e.confirmed_count <> (SELECT COUNT(*) FROM registration r
              WHERE r.event_id = e.id AND r.status = 'confirmed') OR e.waiting_count <> (SELECT COUNT(*)
              FROM registration r WHERE r.event_id = e.id AND r.status = 'waiting')""",
        "support_count wrong": """SELECT COUNT(*) FROM proposal p WHERE p.support_count <> (SELECT COUNT(*)
              FROM support s WHERE s.proposal_id = p.id)""",
        "duplicated registrations": """SELECT COUNT(*) FROM (SELECT 1 FROM registration
              GROUP BY event_id, participant_id HAVING COUNT(*) > 1) d""",
        "duplicated supports": """SELECT COUNT(*) FROM (SELECT 1 FROM support
              GROUP BY proposal_id, user_id HAVING COUNT(*) > 1) d""",
        "duplicated attendances": """SELECT COUNT(*) FROM (SELECT 1 FROM attendance WHERE participant_id
              IS NOT NULL GROUP BY session_id, participant_id HAVING COUNT(*) > 1) d""",
        "waiting while seats are free": """SELECT COUNT(*) FROM event WHERE waiting_count > 0
              AND capacity IS NOT NULL AND confirmed_count < capacity""",
    }
    with app.app_context():
        found = {name: db.session.scalar(sa.text(query)) for name, query in sql.items()}
        participant_of = dict(db.session.execute(
            sa.select(User.id, User.participant_id).where(User.id.in_(plan.residents))).all())
        status_of = {(row.participant_id, row.event_id): row.status for row in db.session.execute(
            sa.select(Registration.participant_id, Registration.event_id, Registration.status)
            .where(Registration.event_id.in_(plan.events)))}
        supports = {tuple(row) for row in db.session.execute(
            sa.select(Support.user_id, Support.proposal_id).where(Support.proposal_id.in_(plan.proposals)))}
        present = {tuple(row) for row in db.session.execute(
            sa.select(Attendance.session_id, Attendance.participant_id)
            .where(Attendance.session_id.in_(list(plan.door))))}
        found["rows of the tally and the roll-ups off a rebuild"] = sum(rollups.rows_off_a_rebuild().values())
        db.engine.dispose()
    lost = 0
    for (user_id, event_id), last in seen.registered.items():
        status = status_of.get((participant_of[user_id], event_id))
        wanted = {"confirmed", "waiting"} if last == "registered" else {"cancelled"}
        lost += status not in wanted
    for (user_id, proposal_id), supports_it in seen.supported.items():
        lost += ((user_id, proposal_id) in supports) != supports_it
    lost += len(seen.checked_in - present)
    found["lost or undone effects of successful actions"] = lost
    found["check-ins recorded that no client saw succeed"] = len(present - seen.checked_in)
    return found


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def soak(kind: str, seconds: float) -> list[str]:
    from bench.pages import _app

    url = clone(kind)
    app = _app(url)
    plan = arrange(app)
    log = ROOT / "bench" / "data" / f"soak-{kind}.log"
    stats = ROOT / "bench" / "data" / f"soak-{kind}-caches"
    shutil.rmtree(stats, ignore_errors=True)
    stats.mkdir(parents=True)
    with log.open("w") as stderr:
        server = Server(url, workers=WORKERS, stderr=stderr, config="python:bench.cache_stats",
                        env={"JIWAR_CACHE_STATS_DIR": str(stats)})
        try:
            seen, elapsed, clients = drive(server, app, plan, seconds)
        finally:
            server.stop()
    server_log = log.read_text(errors="replace")
    locked = server_log.count("database is locked")
    unexpected = server_log.count("unexpected error")
    checks = verify(app, plan, seen)
    every = [value for values in seen.latencies.values() for value in values]
    total = len(every)
    five = sum(count for status, count in seen.statuses.items() if status >= 500)
    lines = [f"### {kind}", "",
             f"{clients} clients for {elapsed:.1f} s: **{total / elapsed:.0f} requests/s**, p50 "
             f"{statistics.median(every):.1f} ms, p99 {percentile(every, 0.99):.1f} ms; statuses "
             f"{dict(sorted(seen.statuses.items()))}.", "",
             "| action | requests | successes | refused | p50 ms | p99 ms |", "|---|---|---|---|---|---|"]
    for action, values in sorted(seen.latencies.items()):
        lines.append(f"| {action} | {len(values)} | {seen.successes.get(action, '')} | "
                     f"{seen.refused.get(action, '')} | {statistics.median(values):.1f} | "
                     f"{percentile(values, 0.99):.1f} |")
    lines += ["", "| check | count |", "|---|---|",
              f"| 5xx responses | {five} |",
              f"| client errors (5xx, connection, \"database is locked\" in a page) | {len(seen.errors)} |",
              f"| \"database is locked\" in the server log | {locked} |",
              f"| unexpected errors in the server log | {unexpected} |"]
    lines += [f"| {name} | {count} |" for name, count in checks.items()]
    lines += ["", *cache_rates(stats), ""]
    return lines


def cache_rates(folder: Path) -> list[str]:
    """Each in-process cache's hits over its lookups, summed over the workers (bench/cache_stats.py):
    a cache stays only where mixed traffic hits it at least half the time."""
    totals = summed_counts(folder)
    lines = ["| in-process cache | hits | misses | hit rate |", "|---|---|---|---|"]
    for name, (hits, misses) in sorted(totals.items()):
        rate = f"{hits / (hits + misses):.0%}" if hits + misses else "unused"
        lines.append(f"| `{name}` | {hits} | {misses} | {rate} |")
    return lines


def main() -> None:
    seconds = float(os.environ.get("BENCH_SOAK_SECONDS", "60"))
    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    command = f"BENCH_SOAK_SECONDS={seconds:g} .venv/bin/python -m bench.soak"
    lines = [f"## Soak, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"- command: `{command}`; machine: {platform.machine()}, {os.cpu_count()} cores, "
             f"{_cpu_model()}, {_memory()}; load average when it started: "
             f"{Path('/proc/loadavg').read_text().split()[0]} (clients and server share the 2 cores)",
             f"- server: gunicorn --workers {WORKERS} (sync), JIWAR_CONFIG=production, on 127.0.0.1; "
             "load: Python threads with keep-alive http.client connections from a second process",
             f"- data: the small bench data set cloned per run; {REGISTRATION_EVENTS} events open with "
             f"{SEATS_LEFT} seats left, {PROPOSALS} proposals in their support phase, {DOOR_EVENTS} door "
             "sessions", ""]
    for kind in kinds:
        lines += soak(kind, seconds)
    text = "\n".join(lines) + "\n"
    previous = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Soak results\n\n"
    REPORT.write_text(previous + text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
