"""Message worker throughput: how many messages a second one worker, then three, send from the outbox
to a local SMTP server (aiosmtpd) and to the SMS stand-in (SMS Gateway for Android's API), on SQLite
(one worker: a single writer) and PostgreSQL (one and three, each a process of its own).

    .venv/bin/python -m bench.messages      # also run by `make bench`

BENCH_MESSAGES (default 2000) messages per run; BENCH_DATABASES and BENCH_POSTGRES_URL as bench/run.py
(the PostgreSQL database is `jiwar_bench_messages`, made afresh). Appends its section to
bench/RESULTS.md. Everything talks to 127.0.0.1; the servers are the tests' own (tests/messages/servers.py).
"""

import multiprocessing
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
COUNT = int(os.environ.get("BENCH_MESSAGES", "2000"))
PEOPLE = 200


def _url(kind: str) -> str:
    if kind == "sqlite":
        path = ROOT / "instance" / "bench-messages.sqlite3"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    base = sa.make_url(os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    admin = sa.create_engine(base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS jiwar_bench_messages"))
        connection.execute(sa.text("CREATE DATABASE jiwar_bench_messages"))
    admin.dispose()
    return base.set(drivername="postgresql+psycopg", database="jiwar_bench_messages").render_as_string(
        hide_password=False)


def _config(url: str, **settings):
    from config import TestConfig

    return type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False,
                                                "JIWAR_WORKER_BATCH": 20, **settings})


def _fill(config, channel: str) -> None:
    """PEOPLE accounts (email or phone as the channel), COUNT queued messages spread over them."""
    from app import create_app
    from app.accounts.models import Participant, User
    from app.core.models import OutboxMessage
    from app.extensions import db

    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        for n in range(PEOPLE):
            email = f"person{n}@example.org" if channel == "email" else None
            phone = f"+2126100{n:05d}" if channel == "sms" else None
            db.session.add(User(email=email, phone=phone, display_name=f"P{n}",
                                password_hash="never-signs-in",  # noqa: S106
                                participant=Participant(display_name=f"P{n}")))
        db.session.commit()
        participants = db.session.scalars(sa.select(Participant.id)).all()
        db.session.execute(sa.insert(OutboxMessage), [
            {"participant_id": participants[n % PEOPLE], "kind": "event_cancelled",
             "payload": {"event_id": 1}}
            for n in range(COUNT)
        ])
        db.session.commit()
        db.engine.dispose()


def _work(url, settings, ready, start) -> None:
    from app import create_app
    from app.extensions import db
    from app.messages.worker import Worker

    app = create_app(_config(url, **settings))
    with app.app_context():
        worker = Worker(app)
        ready.release()
        start.wait()
        worker.drain()
        worker.channels.close()
        db.engine.dispose()


def _run(url, settings, workers: int) -> float:
    context = multiprocessing.get_context("spawn")
    ready, start = context.Semaphore(0), context.Event()
    processes = [context.Process(target=_work, args=(url, settings, ready, start)) for _ in range(workers)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire()
    began = time.perf_counter()
    start.set()
    for process in processes:
        process.join()
    return time.perf_counter() - began


def main() -> None:
    from tests.messages.servers import SmsStandIn, SmtpServer

    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    rows = []
    with SmtpServer() as smtp, SmsStandIn() as sms:
        for kind in kinds:
            url = _url(kind)
            for channel, settings in (
                ("email", {"JIWAR_MAIL_URL": smtp.url, "JIWAR_MAIL_FROM": "Jiwar <no-reply@jiwar.example>",
                           "JIWAR_SMS_URL": ""}),
                ("sms", {"JIWAR_SMS_URL": sms.gateway_url(), "JIWAR_MAIL_URL": ""}),
            ):
                for workers in ((1,) if kind == "sqlite" else (1, 3)):
                    config = _config(url, **settings)
                    _fill(config, channel)
                    before = len(smtp.box.messages) + len(sms.requests)
                    seconds = _run(url, settings, workers)
                    arrived = len(smtp.box.messages) + len(sms.requests) - before
                    assert arrived == COUNT, f"{arrived} of {COUNT} arrived"
                    rows.append((kind, channel, workers, COUNT, seconds))
                    print(f"{kind} {channel} x{workers}: {COUNT / seconds:.0f} messages/s")
    lines = ["", "## Message worker throughput (`python -m bench.messages`)", "",
             f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
             f"{os.cpu_count()} cores; {COUNT} messages per run, claimed 20 at a time; each worker a "
             "process;",
             "  email to aiosmtpd (one kept SMTP connection per worker), SMS to the stand-in speaking SMS "
             "Gateway for Android's API (HTTP keep-alive); servers, workers and database on the same machine",
             "", "| database | channel | workers | messages | seconds | messages/s |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {kind} | {channel} | {workers} | {count} | {seconds:.1f} | {count / seconds:.0f} |"
              for kind, channel, workers, count, seconds in rows]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
