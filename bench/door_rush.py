"""The door rush: 4 phones each checking in one person every 2 seconds for 60 s, and 2 more counting
walk-ins on the tally, while residents browse, on PostgreSQL (`make bench`, or alone:
`python -m bench.door_rush`).

A copy of the small data set (bench/run.py, generated once) gets one awareness day under way with
enough people registered; gunicorn serves it with the production settings. Each phone is a thread
with the organiser's session doing what the door page does on every tap: the search fragment for
the person, then "Mark present" as htmx sends it. Residents are threads with their own sessions
reading the events list, event pages and proposals with a second of thought between clicks. A
tally phone taps +1 (women, men, girls, boys in turn) as its htmx sends it; every third walk-in then
gives an origin, every tenth is undone. At the end the database must hold exactly one presence per
check-in that was answered, and none other; one walk-in per +1 answered, less the undone ones; and
the tally and the programme roll-ups, walk-in totals included (app/reports/walk_in_cells.py, kept
by each tap), must equal a rebuild (`flask jiwar check-rollups`).

BENCH_DOOR_SECONDS (60), BENCH_DOOR_PHONES (4), BENCH_DOOR_TALLIES (2), BENCH_DOOR_RESIDENTS (24).
Writes its section of bench/RESULTS.md. The bar: p99 of a check-in and of a tally tap under 300 ms,
0 errors, presences equal to the check-ins, walk-ins to the taps, totals to a rebuild.
"""

from __future__ import annotations

import http.client
import os
import platform
import random
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from bench.run import Server, _cpu_model, _memory, database_url, flask, prepare
from bench.soak import Client, copy_postgres, credentials, percentile

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Door rush (PostgreSQL)"
SCALE = "small"
WORKERS = 4
INTERVAL = 2.0  # seconds between one phone's taps
DOOR_STAFF = 2  # the organiser of every town (bench/generate.py)
BAR_P99_MS = 300
CPU_CHECK_INS = 41  # people kept aside for the in-process measure (the first warms up)
CPU_TAPS = 41  # tally taps for the in-process measure, after the rush (the first warms up)
TALLY_GROUPS = ("women", "men", "girls", "boys")
ORIGIN_EVERY, UNDO_EVERY = 3, 10  # every third walk-in gives an origin, every tenth is undone
MEASURES = ("check in", "search", "resident page", "tally +1", "tally origin", "tally undo")
_COUNTED = re.compile(rb'name="attendance_id" value="(\d+)"')  # the walk-in the tally's answer shows


@dataclass
class Seen:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in MEASURES})
    errors: list[str] = field(default_factory=list)
    taps: int = 0
    answered: set[int] = field(default_factory=set)  # participants whose check-in came back present
    counted: set[int] = field(default_factory=set)  # walk-ins (attendance ids) whose +1 was answered
    undone: set[int] = field(default_factory=set)  # ... and those whose Undo was answered
    lock: threading.Lock = field(default_factory=threading.Lock)


def clone() -> str:
    """A fresh copy of the small PostgreSQL data set, migrated to this branch's head (the source is
    left at its own revision: other checkouts measure it too)."""
    source = database_url("postgresql", SCALE)
    engine = sa.create_engine(source.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        filled = connection.scalar(sa.text("SELECT to_regclass('participant') IS NOT NULL")) and \
            connection.scalar(sa.text("SELECT COUNT(*) FROM participant"))
    engine.dispose()
    if not filled:
        prepare(source, SCALE)
    target = copy_postgres(source, "jiwar_bench_door_rush")
    flask(target, "db", "upgrade")
    return target


def arrange(app, people: int) -> tuple[int, list[int], list[int], list[str]]:
    """One published event of the organiser's town under way, `people` confirmed registrations, nobody
    present yet; returns its session, the people in tap order, and residents to browse."""
    from app.accounts.models import Participant, User
    from app.core.codes import new_ticket_code
    from app.events import tally
    from app.events.models import Attendance, Event, Registration
    from app.extensions import db

    now = datetime.now(UTC)
    with app.app_context():
        event = db.session.scalars(sa.select(Event).where(Event.status == "published")
                                   .order_by(Event.confirmed_count.desc(), Event.id).limit(1)).one()
        session = event.sessions[0]
        event.starts_at = session.starts_at = now - timedelta(minutes=30)
        event.ends_at = session.ends_at = now + timedelta(hours=3)
        for other in event.sessions[1:]:
            db.session.delete(other)
        event.capacity = None
        db.session.execute(sa.delete(Attendance).where(Attendance.event_id == event.id))
        registered = set(db.session.scalars(sa.select(Registration.participant_id)
                                            .where(Registration.event_id == event.id)))
        db.session.execute(sa.update(Registration).where(Registration.event_id == event.id)
                           .values(status="confirmed"))
        wanted = people - len(registered)
        if wanted > 0:
            newcomers = db.session.scalars(
                sa.select(Participant.id).where(Participant.id.not_in(registered or [0]),
                                                Participant.erased_at.is_(None))
                .order_by(Participant.id).limit(wanted)).all()
            for participant_id in newcomers:
                db.session.add(Registration(event_id=event.id, participant_id=participant_id,
                                            status="confirmed", ticket_code=new_ticket_code(),
                                            confirmed_at=now))
            registered |= set(newcomers)
        event.confirmed_count = len(registered)
        order = sorted(registered)
        random.Random(18).shuffle(order)
        residents = db.session.scalars(sa.select(User.id).where(User.id > 3, User.is_disabled.is_(False))
                                       .order_by(User.id).limit(int(os.environ.get("BENCH_DOOR_RESIDENTS",
                                                                                   "24")))).all()
        session_id, event_id = session.id, event.id
        db.session.flush()
        tally.rebuild()  # the attendances were deleted in bulk, past the tally: the rush starts in step
        db.session.commit()
        browse = [f"/events/{event_id}", "/events", "/events?page=2", "/calls"]
        db.engine.dispose()
    return session_id, order, list(residents), browse


def phone(client: Client, session_id: int, people: list[int], names: dict[int, str], start: float,
          deadline: float, seen: Seen) -> None:
    """Taps every INTERVAL seconds from `start`: search the person, then mark them present."""
    for tap, participant_id in enumerate(people):
        due = start + tap * INTERVAL
        if due >= deadline:
            return
        time.sleep(max(0.0, due - time.monotonic()))
        query = names[participant_id].split(" ")[0]
        search = f"/door/sessions/{session_id}?{urlencode({'q': query})}"
        status, _flashes = client.request("search", "GET", search)
        if status != 200:
            with seen.lock:
                seen.errors.append(f"search: {status}")
        with seen.lock:
            seen.taps += 1
        status, _flashes = client.request("check in", "POST", f"/door/sessions/{session_id}/check-in",
                                          {"participant_id": participant_id, "q": query})
        present = status == 200 and client.last_body is not None and b"Undo" in client.last_body \
            and not client.last_redirect
        with seen.lock:
            if present:
                seen.answered.add(participant_id)
            else:
                seen.errors.append(f"check in: {status}")


def tally_phone(client: Client, session_id: int, first: int, start: float, deadline: float,
                seen: Seen) -> None:
    """Taps +1 every INTERVAL seconds from `start` (groups in turn from `first`); every ORIGIN_EVERY
    walk-ins it then gives one's origin, every UNDO_EVERY it undoes one, as the door's tally does."""
    tap = 0
    while (due := start + tap * INTERVAL) < deadline:
        time.sleep(max(0.0, due - time.monotonic()))
        group = TALLY_GROUPS[(first + tap) % len(TALLY_GROUPS)]
        tap += 1
        status, _flashes = client.request("tally +1", "POST", f"/door/sessions/{session_id}/tally",
                                          {"group": group})
        found = _COUNTED.search(client.last_body or b"") if status == 200 else None
        if found is None or client.last_redirect:
            with seen.lock:
                seen.errors.append(f"tally +1: {status}")
            continue
        attendance_id = int(found.group(1))
        with seen.lock:
            seen.counted.add(attendance_id)
        follow = {"attendance_id": attendance_id}
        if tap % UNDO_EVERY == 0:
            action, path = "tally undo", "tally/undo"
        elif tap % ORIGIN_EVERY == 0:
            action, path, follow["origin"] = "tally origin", "tally/origin", "migrant"
        else:
            continue
        status, _flashes = client.request(action, "POST", f"/door/sessions/{session_id}/{path}", follow)
        with seen.lock:
            if status != 200 or client.last_redirect:
                seen.errors.append(f"{action}: {status}")
            elif action == "tally undo":
                seen.undone.add(attendance_id)


def resident(client: Client, pages: list[str], deadline: float, seen: Seen, rng: random.Random) -> None:
    while time.monotonic() < deadline:
        status, _flashes = client.request("resident page", "GET", rng.choice(pages))
        if status != 200:
            with seen.lock:
                seen.errors.append(f"resident page: {status}")
        time.sleep(rng.uniform(0.5, 1.5))  # a person reads before the next click


def _warm(port: int, requests: list[tuple[str, str]]) -> None:
    """Each (cookie, page) asked a few times per worker, several at once, before the clock starts:
    a worker's first render of a page compiles its templates (a few hundred ms), which is the
    server starting, not the rush."""

    def fetch(request: tuple[str, str]) -> None:
        cookie, path = request
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie, "Accept-Language": "en", "HX-Request": "true"}  # as the clients send
        connection.request("GET", path, headers=headers)
        connection.getresponse().read()
        connection.close()

    with ThreadPoolExecutor(WORKERS * 2) as pool:
        list(pool.map(fetch, requests * (WORKERS * 3)))


class DoorClient(Client):
    """soak's client, keeping the last answer's body and whether htmx was told to load another page
    (a refusal at the door answers HX-Redirect), and sending HX-Request as the door page's htmx does."""

    last_body: bytes | None = None
    last_redirect: bool = False

    def request(self, action, method, path, form=None):
        headers = {"Cookie": self.cookie, "Accept-Language": "en", "HX-Request": "true"}
        body = None
        if method == "POST":
            headers.update({"X-CSRFToken": self.token, "Content-Type": "application/x-www-form-urlencoded"})
            body = urlencode(form or {})
        started = time.perf_counter()
        try:
            self.connection.request(method, "/en" + path, body=body, headers=headers)
            response = self.connection.getresponse()
            self.last_body = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = self.connect()
            self.last_body = None
            with self.seen.lock:
                self.seen.errors.append(f"{action}: {type(error).__name__}")
            return None, None
        self.last_redirect = response.getheader("HX-Redirect") is not None
        with self.seen.lock:
            self.seen.latencies[action].append((time.perf_counter() - started) * 1000)
        return response.status, []


def rush(seconds: float, phones: int, tallies: int) -> list[str]:
    from bench.pages import _app

    url = clone()
    app = _app(url)
    taps = phones * (int(seconds / INTERVAL) + 1)
    session_id, order, residents, pages = arrange(app, taps + CPU_CHECK_INS)
    spare, order = order[taps:], order[:taps]
    with app.app_context():
        from app.accounts.models import Participant
        from app.extensions import db

        names = dict(db.session.execute(sa.select(Participant.id, Participant.display_name)
                                        .where(Participant.id.in_(order))).all())
        db.engine.dispose()
    people = credentials(app, residents + [DOOR_STAFF] * (phones + tallies))
    log = ROOT / "bench" / "data" / "door-rush.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    seen = Seen()
    load = Path("/proc/loadavg").read_text().split()[0]
    with log.open("w") as stderr:
        server = Server(url, workers=WORKERS, stderr=stderr)
        try:
            first_resident, staff = people[0][0], people[len(residents)][0]
            _warm(server.port, [(first_resident, page) for page in pages]
                  + [(staff, f"/door/sessions/{session_id}?q=a")])
            start = time.monotonic() + 1.0
            deadline = start + seconds
            threads = []
            for index, (cookie, token) in people.items():
                connect = partial(http.client.HTTPConnection, "127.0.0.1", server.port, timeout=30)
                client = DoorClient(connect, cookie, token, None, seen)
                door_phone = index - len(residents)  # door phones' number, from 0
                if door_phone < 0:
                    args = (client, pages, deadline, seen, random.Random(index))
                    threads.append(threading.Thread(target=resident, args=args))
                elif door_phone < phones:
                    mine = order[door_phone::phones]  # each phone its own people
                    offset = door_phone * INTERVAL / phones
                    args = (client, session_id, mine, names, start + offset, deadline, seen)
                    threads.append(threading.Thread(target=phone, args=args))
                else:
                    tally = door_phone - phones
                    offset = (tally + 0.5) * INTERVAL / max(tallies, 1)  # between the check-ins
                    args = (client, session_id, tally, start + offset, deadline, seen)
                    threads.append(threading.Thread(target=tally_phone, args=args))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.stop()
    with app.app_context():
        from app.events.models import Attendance
        from app.extensions import db
        from app.reports import rollups

        rows = db.session.execute(sa.select(Attendance.participant_id, Attendance.channel)
                                  .where(Attendance.session_id == session_id,
                                         Attendance.participant_id.is_not(None))).all()
        walk_ins = set(db.session.scalars(sa.select(Attendance.id).where(
            Attendance.session_id == session_id, Attendance.participant_id.is_(None))))
        totals_off = sum(rollups.rows_off_a_rebuild().values())
        db.engine.dispose()
    presences = {participant for participant, _channel in rows}
    cpu_ms, wall_ms = cpu_per_check_in(app, session_id, spare)
    tap_cpu_ms, tap_wall_ms = cpu_per_tap(app, session_id)
    checks, taps = seen.latencies["check in"], seen.latencies["tally +1"]
    reads = seen.latencies["resident page"]
    kept_walk_ins = seen.counted - seen.undone
    passed = (all(percentile(values, 0.99) < BAR_P99_MS for values in (checks, taps) if values)
              and not seen.errors and len(rows) == seen.taps and presences == seen.answered
              and walk_ins == kept_walk_ins and totals_off == 0)
    return [
        HEADING, "",
        f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; command: `BENCH_DOOR_SECONDS={seconds:g} "
        f".venv/bin/python -m bench.door_rush`; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{_cpu_model()}, {_memory()}; load average when it started: {load} (shared machine)",
        f"- server: gunicorn --workers {WORKERS} (sync), JIWAR_CONFIG=production, a copy of the small data "
        f"set; {phones} phones (the organiser's session, htmx requests as the door page sends them) each "
        f"searching then checking in one person every {INTERVAL:g} s for {seconds:g} s, {tallies} more "
        f"counting a walk-in on the tally every {INTERVAL:g} s (every {ORIGIN_EVERY}rd then giving an "
        f"origin, every {UNDO_EVERY}th undone), while "
        f"{len(residents)} signed-in residents browse (events list, the event, calls for proposals; "
        "0.5-1.5 s between clicks)",
        "",
        "| measure | count | p50 ms | p95 ms | p99 ms | max ms |", "|---|---|---|---|---|---|",
        *(f"| {name} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | "
          f"{percentile(values, 0.99):.1f} | {max(values):.1f} |"
          for name, values in (("check in", checks), ("door search", seen.latencies["search"]),
                               ("tally +1", taps), ("tally origin", seen.latencies["tally origin"]),
                               ("tally undo", seen.latencies["tally undo"]), ("resident page", reads))
          if values),
        "",
        f"- taps: {seen.taps}; answered present: {len(seen.answered)}; presences recorded: {len(rows)} "
        f"({len(presences)} people, channel {sorted({channel for _p, channel in rows})}); errors: "
        f"{len(seen.errors)}{' ' + str(seen.errors[:5]) if seen.errors else ''}",
        f"- walk-ins: {len(seen.counted)} counted, {len(seen.undone)} undone; kept in the database: "
        f"{len(walk_ins)} ({'the same ones' if walk_ins == kept_walk_ins else 'NOT the ones answered'}); "
        f"rows of the tally and the programme roll-ups (walk-in totals included) that differ from a "
        f"rebuild: **{totals_off}**",
        f"- in-process, one request at a time (no load but this process's): a check-in costs "
        f"**{cpu_ms:.1f} ms of CPU**, {wall_ms:.1f} ms with the database (mean of {len(spare) - 1} people "
        f"not yet present); a tally +1 **{tap_cpu_ms:.1f} ms of CPU**, {tap_wall_ms:.1f} ms with the "
        f"database (mean of {CPU_TAPS - 1}); the test client, CSRF check off: the measure a quiet "
        "machine's p50 starts from",
        f"- bar (check-in and tally p99 < {BAR_P99_MS} ms, 0 errors, presences == check-ins, walk-ins == "
        f"taps less undone, totals == rebuild): **{'met' if passed else 'NOT met'}**", "",
    ]


def _door_client(app):
    """A test client signed in as the door staff (bench/cpu.py's measure, for the door's POSTs)."""
    from app.accounts.models import User
    from app.extensions import db

    with app.app_context():
        user_id = db.session.get(User, DOOR_STAFF).get_id()  # carries the account's session version
    client = app.test_client()
    with client.session_transaction() as session:
        now = int(time.time())
        session.update({"_user_id": user_id, "_fresh": True, "signed_in_at": now, "seen_at": now})
    return client


def _cpu_per_post(app, url: str, forms: list[dict]) -> tuple[float, float]:
    """Mean CPU and wall time of posting each form after the first (which warms templates and
    caches) as the door's htmx sends it, in this process, one at a time."""
    from app.extensions import db

    client = _door_client(app)
    headers = {"HX-Request": "true", "Accept-Language": "en"}
    client.post(url, data=forms[0], headers=headers)
    cpu = wall = 0.0
    for form in forms[1:]:
        started, clock = time.process_time(), time.perf_counter()
        response = client.post(url, data=form, headers=headers)
        cpu += time.process_time() - started
        wall += time.perf_counter() - clock
        if response.status_code != 200:
            raise RuntimeError(f"in-process {url} answered {response.status_code}")
    count = max(len(forms) - 1, 1)
    with app.app_context():
        db.engine.dispose()
    return cpu / count * 1000, wall / count * 1000


def cpu_per_check_in(app, session_id: int, people: list[int]) -> tuple[float, float]:
    """One check-in, person by person among those not yet present."""
    forms = [{"participant_id": participant_id} for participant_id in people]
    return _cpu_per_post(app, f"/en/door/sessions/{session_id}/check-in", forms)


def cpu_per_tap(app, session_id: int) -> tuple[float, float]:
    """One tally +1, the groups in turn."""
    forms = [{"group": TALLY_GROUPS[tap % len(TALLY_GROUPS)]} for tap in range(CPU_TAPS)]
    return _cpu_per_post(app, f"/en/door/sessions/{session_id}/tally", forms)


def _write_section(section: str) -> None:
    """Replace this section of bench/RESULTS.md (bench.run rewrites the rest), or add it at the end."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if HEADING in text:
        before, _, after = text.partition(HEADING)
        rest = after.split("\n## ", 1)
        text = before + section + ("\n\n## " + rest[1] if len(rest) > 1 else "\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    seconds = float(os.environ.get("BENCH_DOOR_SECONDS", "60"))
    phones = int(os.environ.get("BENCH_DOOR_PHONES", "4"))
    tallies = int(os.environ.get("BENCH_DOOR_TALLIES", "2"))
    section = "\n".join(rush(seconds, phones, tallies)).rstrip("\n")
    print(section)
    _write_section(section)


if __name__ == "__main__":
    main()
