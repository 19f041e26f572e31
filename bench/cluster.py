"""`make bench-cluster`: Jiwar as README's "More than one server" runs it, on this machine. nginx
(Debian's, running deploy/nginx.conf) in front of one and then two gunicorn app servers, each in its
own working folder, on PostgreSQL, photos in an S3 bucket (moto's local server), rate limits in
Redis, JIWAR_TRUSTED_PROXIES=1. Appends its results to bench/CLUSTER.md.

    .venv/bin/python -m bench.cluster

1. The soak of bench/soak.py through nginx, on one app server and on two, then the database checked
   against what the clients saw (capacity, counters equal rows, no lost or duplicated effect), and
   the rows each table received (no table is written by every write).
2. Failover: the soak on two servers, one of them killed (SIGKILL, master and workers) halfway: the
   failed requests are counted, and nothing a client saw succeed is missing.
3. The registration rush: BENCH_RUSH_PEOPLE (1,000) signed-in residents press "Register" for a
   BENCH_RUSH_SEATS (25) seat workshop within BENCH_RUSH_SECONDS (10) of its opening, on one app
   server and on two; the event row lock's waits and holds are timed in the workers (bench/lock_stats.py).

BENCH_CLUSTER_SECONDS (30) of soak per run, BENCH_CLUSTER_WORKERS (3) gunicorn workers per server.
"""

import os
import platform
import shutil
import statistics
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
import sqlalchemy as sa

from bench import cpu_share, rush, soak
from bench.cluster_stack import AppServer, Nginx, csrf_header, session_cookie
from bench.run import SECRET_KEY, _cpu_model, _memory, database_url, prepare
from config import ProductionConfig
from tests.s3 import S3Server

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "CLUSTER.md"
TEMPLATE = "jiwar_cluster_template"
RUN = "jiwar_cluster_run"
REDIS = os.environ.get("BENCH_CLUSTER_REDIS", "redis://127.0.0.1:6379/6")
COOKIE = ProductionConfig.SESSION_COOKIE_NAME
ORIGIN = "https://127.0.0.1"  # nginx passes the host without its port (proxy_set_header Host $host)


def _admin(url: str):
    return sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg", database="postgres"),
                            isolation_level="AUTOCOMMIT")


def template() -> str:
    """The small bench data set (bench/run.py), copied once into a database of this benchmark's own."""
    source = database_url("postgresql", "small")
    prepare(source, "small")
    admin = _admin(source)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE "{sa.make_url(source).database}"')
    admin.dispose()
    url = sa.make_url(source).set(database=TEMPLATE).render_as_string(hide_password=False)
    with connected(url) as connection:  # a data set generated before bench/generate.py confirmed them
        connection.execute(sa.text('UPDATE "user" SET confirmed_at = created_at WHERE confirmed_at IS NULL'))
    return url


def fresh(template_url: str) -> str:
    admin = _admin(template_url)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{RUN}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{RUN}" TEMPLATE "{TEMPLATE}"')
    admin.dispose()
    return sa.make_url(template_url).set(database=RUN).render_as_string(hide_password=False)


@contextmanager
def connected(url: str):
    """One connection in a transaction, closed after (a copy of the database must find none open)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def table_writes(url: str) -> dict[str, int]:
    with connected(url) as connection:
        return dict(connection.execute(sa.text(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")).all())


class Stack:
    """nginx in front of `servers` gunicorns, each in its own folder."""

    def __init__(self, url: str, servers: int, workers: int, bucket: str, lock_stats: Path | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="jiwar-cluster-"))
        env = {"JIWAR_CONFIG": "production", "SECRET_KEY": SECRET_KEY, "DATABASE_URL": url,
               "JIWAR_TRUSTED_PROXIES": "1", "JIWAR_STORAGE_URL": bucket, "RATELIMIT_STORAGE_URI": REDIS,
               "JIWAR_DB_POOL_SIZE": "1"}
        if lock_stats:
            env["JIWAR_LOCK_STATS_DIR"] = str(lock_stats)
        config = "python:bench.lock_stats" if lock_stats else None
        self.servers = [AppServer(self.folder / f"server-{index + 1}", env, workers, config=config)
                        for index in range(servers)]
        self.nginx = Nginx(self.folder / "nginx", [server.port for server in self.servers])

    def connect(self):
        return self.nginx.connect()

    connect.origin = ORIGIN

    def served_by(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.nginx.access_log():
            for server in self.servers:
                if f"127.0.0.1:{server.port}" in line:
                    counts[server.folder.name] = counts.get(server.folder.name, 0) + 1
        return counts

    def stop(self) -> list[str]:
        """Stops everything; the files any server wrote in its own folder (there must be none)."""
        self.nginx.stop()
        for server in self.servers:
            server.stop()
        files = [path for server in self.servers for path in server.files_written()]
        shutil.rmtree(self.folder, ignore_errors=True)
        return files


def soak_run(template_url: str, s3: S3Server, servers: int, workers: int, seconds: float,
             kill_halfway: bool = False) -> dict:
    from bench.pages import _app

    url = fresh(template_url)
    app = _app(url)
    plan = soak.arrange(app)
    before = table_writes(url)
    stack = Stack(url, servers, workers, s3.new_bucket())
    killer = threading.Timer(seconds / 2, stack.servers[-1].kill) if kill_halfway else None
    try:
        if killer:
            killer.start()
        seen, elapsed, clients = soak.drive(stack, app, plan, seconds)
    finally:
        if killer:
            killer.cancel()
        served = stack.served_by()
        log = stack.nginx.access_log()
        stray = stack.stop()
    time.sleep(1.5)  # the servers' backends have flushed their statistics
    after = table_writes(url)
    checks = soak.verify(app, plan, seen)
    every = [value for values in seen.latencies.values() for value in values]
    written = {table: after.get(table, 0) - before.get(table, 0) for table in after}
    return {"servers": servers, "clients": clients, "elapsed": elapsed, "requests": len(every),
            "rps": len(every) / elapsed, "p50": statistics.median(every), "p99": soak.percentile(every, 0.99),
            "statuses": dict(sorted(seen.statuses.items())), "errors": seen.errors, "checks": checks,
            "served": served, "stray": stray, "written": written, "successes": dict(seen.successes),
            "failed_on": [line for line in log if '" 502 ' in line or '" 504 ' in line]}


def rush_people(url: str, count: int) -> list[int]:
    """Residents with a confirmed account, no role and no registration for the workshop yet."""
    with connected(url) as connection:
        return list(connection.scalars(sa.text(
            'SELECT u.id FROM "user" u WHERE u.participant_id IS NOT NULL AND NOT u.is_disabled '
            "AND u.deleted_at IS NULL AND u.confirmed_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM role_assignment r WHERE r.user_id = u.id) "
            "ORDER BY u.id LIMIT :n"), {"n": count}))


def open_workshop(app, seats: int, opens_at: datetime) -> int:
    from app.events.models import Event
    from app.extensions import db

    with app.app_context():
        event = db.session.scalars(sa.select(Event).where(Event.status == "published",
                                                          Event.event_type == "workshop")
                                   .order_by(Event.id)).first()
        event.starts_at = datetime.now(UTC) + timedelta(days=10)
        event.ends_at = event.starts_at + timedelta(hours=3)
        for session in event.sessions:
            session.starts_at, session.ends_at = event.starts_at, event.ends_at
        event.registration_opens_at, event.registration_closes_at = opens_at, None
        event.capacity = seats
        for table in ("attendance", "reminder_queued"):  # the workshop starts afresh, with nobody in it
            db.session.execute(sa.text(f"DELETE FROM {table} WHERE registration_id IN "  # noqa: S608
                                       "(SELECT id FROM registration WHERE event_id = :e)"), {"e": event.id})
        db.session.execute(sa.text("DELETE FROM registration WHERE event_id = :e"), {"e": event.id})
        event.confirmed_count = event.waiting_count = 0
        db.session.commit()
        event_id = event.id
        db.engine.dispose()
    return event_id


def rush_run(template_url: str, s3: S3Server, servers: int, workers: int, people: int, seats: int,
             spread: float) -> dict:
    from bench.pages import _app

    url = fresh(template_url)
    app = _app(url)
    opens_at = datetime.now(UTC) + timedelta(hours=1)  # moved to the moment of the rush below
    event_id = open_workshop(app, seats, opens_at)
    user_ids = rush_people(url, people)
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db

        raws = {user_id: os.urandom(20).hex() for user_id in user_ids}
        crowd = [(user.id, session_cookie(SECRET_KEY, COOKIE, user, raws[user.id]),
                  csrf_header(SECRET_KEY, raws[user.id]))
                 for user in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))]
        db.engine.dispose()
    stats = Path(tempfile.mkdtemp(prefix="jiwar-locks-"))
    stack = Stack(url, servers, workers, s3.new_bucket(), lock_stats=stats)
    try:
        with connected(url) as connection:  # registration opens in 2 s, for everyone at once
            connection.execute(sa.text("UPDATE event SET registration_opens_at = :at WHERE id = :e"),
                               {"at": datetime.now(UTC) + timedelta(seconds=2), "e": event_id})
        started, cpu_before = time.monotonic(), cpu_share.snapshot()
        answers = rush.rush(lambda: stack.nginx.connect(timeout=60), event_id, crowd, spread, opens_in=2.2,
                            origin=ORIGIN)
        duration = time.monotonic() - started
        cpu = cpu_share.spent(cpu_before)
        served = stack.served_by()
    finally:
        stray = stack.stop()
    rush.read_outcomes(answers, SECRET_KEY, COOKIE)
    with connected(url) as connection:
        checks = rush.check(connection, event_id, answers, seats)
    waits, holds = [], []
    for path in stats.glob("*.json"):
        import json

        data = json.loads(path.read_text())
        waits += data["waits"]
        holds += data["holds"]
    shutil.rmtree(stats, ignore_errors=True)
    latencies = [(a.received - a.sent) * 1000 for a in answers if a.status is not None]
    return {"servers": servers, "people": len(crowd), "duration": duration, "served": served,
            "p50": statistics.median(latencies), "p99": rush.percentile(latencies, 0.99),
            "max": max(latencies), "checks": checks, "stray": stray, "cpu": cpu,
            "waits": [w * 1000 for w in waits], "holds": [h * 1000 for h in holds],
            "outcomes": {o: sum(a.outcome == o for a in answers) for o in {a.outcome for a in answers}}}


def _ms(values: list[float], share: float) -> str:
    return f"{rush.percentile(values, share):.1f}"


def report(soaks: list[dict], failover: dict, rushes: list[dict], settings: dict) -> list[str]:
    lines = [f"## make bench-cluster, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"- command: `{settings['command']}`; machine: {platform.machine()}, {os.cpu_count()} cores, "
             f"{_cpu_model()}, {_memory()}; load average at the start: {settings['load']} (nginx, the app "
             "servers, PostgreSQL, Redis, moto and the clients share the cores)",
             f"- nginx {settings['nginx']} running deploy/nginx.conf (TLS on 127.0.0.1), gunicorn "
             f"{settings['workers']} sync workers per app server, each server in its own working folder; "
             "JIWAR_CONFIG=production, JIWAR_TRUSTED_PROXIES=1, photos in an S3 bucket (moto), rate limits "
             "in Redis; PostgreSQL 15; the small bench data set copied for each run", ""]
    if soaks:
        lines += soak_section(soaks, failover, settings)
    if rushes:
        lines += rush_section(rushes, settings)
    return lines


def soak_section(soaks: list[dict], failover: dict, settings: dict) -> list[str]:
    lines = ["### Soak through nginx", "",
             "| app servers | clients | requests | requests/s | p50 ms | p99 ms | statuses "
             "| requests per server |",
             "|---|---|---|---|---|---|---|---|"]
    for run in [*soaks, failover]:
        name = f"{run['servers']}" + (", one killed halfway" if run is failover else "")
        lines.append(f"| {name} | {run['clients']} | {run['requests']} | {run['rps']:.0f} | "
                     f"{run['p50']:.1f} | {run['p99']:.1f} | {run['statuses']} | {run['served']} |")
    lines += ["", "| check (must be 0) | " + " | ".join(
        f"{run['servers']} server{'s' if run['servers'] > 1 else ''}"
        + (" + failover" if run is failover else "") for run in [*soaks, failover]) + " |",
        "|---" * (len(soaks) + 2) + "|"]
    for name in soaks[0]["checks"]:
        values = " | ".join(str(run["checks"][name]) for run in [*soaks, failover])
        lines.append(f"| {name} | {values} |")
    lines.append("| files written in a server's own folder | "
                 + " | ".join(str(len(run["stray"])) for run in [*soaks, failover]) + " |")
    lines += ["", f"Failover: the second app server was killed (SIGKILL to its master and workers) after "
              f"{settings['seconds'] / 2:.0f} s. Requests that failed: {len(failover['errors'])} "
              f"({', '.join(sorted(set(failover['errors']))) or 'none'}); nginx's log shows "
              f"{len(failover['failed_on'])} answered 502/504, each a request that was in the killed "
              "server's hands (a POST already sent is never sent again: it may have been written). Every "
              "action a client saw succeed is in the database (\"lost or undone effects\" above). In the "
              "failover column, \"recorded that no client saw succeed\" may count up to the failed check-ins:"
              " one the killed server wrote before it could answer (the phone, told it failed, sends it again"
              " and is answered \"already present\").", ""]
    two = soaks[-1]
    writes = sum(two["successes"].values())
    lines += ["### Which tables every write touches", "",
              "Rows written per table during the soak on two servers (pg_stat_user_tables: inserts + "
              f"updates + deletes), beside the {writes} successful writing actions (register, cancel, "
              "support, withdraw, check in); a table that every write touched would show at least as many "
              "(what each one holds: the first section of bench/CLUSTER.md).", "",
              "| table | rows written |", "|---|---|"]
    for table, count in sorted(two["written"].items(), key=lambda item: -item[1]):
        if count:
            lines.append(f"| {table} | {count} |")
    return [*lines, ""]


def rush_section(rushes: list[dict], settings: dict) -> list[str]:
    lines = [f"### Registration rush: {settings['people']} residents, {settings['seats']} seats, "
              f"{settings['spread']:g} s", "",
              "Each resident's session cookie and CSRF token are made before the rush (no sign-in during "
              "it); at a random moment within the window after registration opens, each opens a TLS "
              "connection to nginx and sends one POST (latency counts the handshake; client timeout 60 s).",
              "",
              "| app servers | requests/server | p50 ms | p99 ms | max ms | answers "
              "| lock wait p50 / p99 / max ms | lock held p50 / p99 ms | lock held in all |",
              "|---|---|---|---|---|---|---|---|---|"]
    for run in rushes:
        lines.append(
            f"| {run['servers']} | {run['served']} | {run['p50']:.0f} | {run['p99']:.0f} | "
            f"{run['max']:.0f} | "
            f"{run['outcomes']} | {_ms(run['waits'], 0.5)} / {_ms(run['waits'], 0.99)} / "
            f"{max(run['waits'], default=0):.1f} | {_ms(run['holds'], 0.5)} / {_ms(run['holds'], 0.99)} | "
            f"{sum(run['holds']) / 1000:.2f} s of {run['duration']:.1f} s |")
    lines += ["", "| check | " + " | ".join(f"{run['servers']} server{'s' if run['servers'] > 1 else ''}"
                                           for run in rushes) + " |", "|---" * (len(rushes) + 1) + "|"]
    for name in rushes[0]["checks"]:
        lines.append(f"| {name} | " + " | ".join(str(run["checks"][name]) for run in rushes) + " |")
    lines += ["", "CPU during the rush, per press (ms; bench/cpu_share.py, from /proc):", ""]
    for run in rushes:
        shares = ", ".join(f"{group} {seconds * 1000 / run['people']:.1f}"
                           for group, seconds in run["cpu"].items())
        lines.append(f"- {run['servers']} server{'s' if run['servers'] > 1 else ''}: {shares}")
    return [*lines, ""]


def main() -> None:
    import subprocess

    seconds = float(os.environ.get("BENCH_CLUSTER_SECONDS", "30"))
    workers = int(os.environ.get("BENCH_CLUSTER_WORKERS", "3"))
    people = int(os.environ.get("BENCH_RUSH_PEOPLE", "1000"))
    seats = int(os.environ.get("BENCH_RUSH_SEATS", "25"))
    spread = float(os.environ.get("BENCH_RUSH_SECONDS", "10"))
    nginx = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip().split("/")[-1]
    settings = {"seconds": seconds, "workers": workers, "people": people, "seats": seats, "spread": spread,
                "nginx": nginx, "load": Path("/proc/loadavg").read_text().split()[0],
                "command": f"BENCH_CLUSTER_PARTS={os.environ.get('BENCH_CLUSTER_PARTS', 'soak,rush')} "
                           f"BENCH_CLUSTER_SECONDS={seconds:g} BENCH_CLUSTER_WORKERS={workers} "
                           ".venv/bin/python -m bench.cluster"}
    parts = os.environ.get("BENCH_CLUSTER_PARTS", "soak,rush").split(",")
    redis.Redis.from_url(REDIS).flushdb()
    template_url = template()
    s3 = S3Server()
    soaks, failover, rushes = [], None, []
    try:
        if "soak" in parts:
            soaks = [soak_run(template_url, s3, servers, workers, seconds) for servers in (1, 2)]
            failover = soak_run(template_url, s3, 2, workers, seconds, kill_halfway=True)
        if "rush" in parts:
            rushes = [rush_run(template_url, s3, servers, workers, people, seats, spread)
                      for servers in (1, 2)]
    finally:
        s3.stop()
    text = "\n".join(report(soaks, failover, rushes, settings)) + "\n"
    previous = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# More than one server\n\n"
    REPORT.write_text(previous + text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
