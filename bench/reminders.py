"""The reminder pass over 500,000 registrations on PostgreSQL (bar: under 2 s, constant statements).

    BENCH_REMINDERS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/jiwar_bench_reminders \\
        .venv/bin/python -m bench.reminders

Builds its own data set in that database (created when missing, emptied first): two municipalities
(Oujda, Africa/Casablanca; Raoued, Africa/Tunis), 100,000 people, 5,000 published events over 200
days (25 a day), 100 confirmed registrations each (500,000), written with generate_series. Then it
times `queue_due_reminders(now)` at 18:00 Oujda time (the day-before pass: the next day's 25 events,
2,500 reminders to queue) and at 14:00 (the two-hour window), the median of several runs, each on an
empty `reminder_queued` (emptied outside the timing), then a pass with nothing new to queue.
"""

import os
import statistics
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

URL = os.environ.get("BENCH_REMINDERS_DATABASE_URL",
                     "postgresql://postgres@127.0.0.1:5432/jiwar_bench_reminders")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PEOPLE, EVENTS, PER_EVENT, DAYS = 100_000, 5_000, 100, 200
FIRST_DAY = datetime(2027, 1, 4, tzinfo=UTC)


def _ensure_database(url: str) -> None:
    from config import database_url

    server, name = database_url(url).rsplit("/", 1)
    engine = sa.create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _fill(db) -> None:
    db.drop_all()
    db.create_all()
    statements = [
        """INSERT INTO municipality (id, slug, name_fr, name_ar, name_en, country_code, timezone) VALUES
           (1, 'oujda', 'Oujda', 'وجدة', 'Oujda', 'MA', 'Africa/Casablanca'),
           (2, 'raoued', 'Raoued', 'رواد', 'Raoued', 'TN', 'Africa/Tunis')""",
        f"""INSERT INTO participant (id, display_name, created_at, record_key, phone_shared)
            SELECT n, 'Person ' || n, now(), n % 256, false FROM generate_series(1, {PEOPLE}) AS n""",
        # 25 events a day, at 09:00 + (n % 12) hours UTC, alternating municipalities.
        f"""INSERT INTO event (id, municipality_id, event_type, status, title_fr, venue_fr, languages,
                               audience, starts_at, ends_at, confirmed_count, waiting_count, created_at,
                               updated_at, version)
            SELECT n, 1 + n % 2, 'workshop', 'published', 'Atelier ' || n, 'Salle', 'fr', 'everyone',
                   :first + ((n - 1) / 25) * interval '1 day' + (9 + n % 12) * interval '1 hour',
                   :first + ((n - 1) / 25) * interval '1 day' + (11 + n % 12) * interval '1 hour',
                   {PER_EVENT}, 0, now(), now(), 1
            FROM generate_series(1, {EVENTS}) AS n""",
        f"""INSERT INTO registration (id, event_id, participant_id, status, ticket_code, queued_at,
                                      confirmed_at, created_at)
            SELECT n, 1 + (n - 1) / {PER_EVENT}, 1 + ((n - 1)::bigint * 7919) % {PEOPLE}, 'confirmed',
                   'T' || n, now(), now(), now()
            FROM generate_series(1, {EVENTS * PER_EVENT}) AS n""",
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement), {"first": FIRST_DAY.replace(tzinfo=None)})
        connection.execute(sa.text("ANALYZE"))


HEADING = "## Reminder pass (PostgreSQL)"
RESULTS = os.path.join(os.path.dirname(__file__), "RESULTS.md")


def _write_section(section: str) -> None:
    """Replace this section of bench/RESULTS.md (bench.run rewrites the rest), or add it at the end."""
    text = ""
    if os.path.exists(RESULTS):
        with open(RESULTS, encoding="utf-8") as existing:
            text = existing.read()
    if HEADING in text:
        before, _, after = text.partition(HEADING)
        rest = after.split("\n## ", 1)
        text = before + section + ("\n\n## " + rest[1] if len(rest) > 1 else "\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(RESULTS, "w", encoding="utf-8") as out:
        out.write(text)


@contextmanager
def count_statements(engine):
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def main() -> None:
    from app import create_app
    from config import TestConfig, database_url

    _ensure_database(URL)
    config = type("BenchConfig", (TestConfig,),
                  {"SQLALCHEMY_DATABASE_URI": database_url(URL), "TESTING": False})
    app = create_app(config)
    with app.app_context():
        from app.core.models import OutboxMessage
        from app.extensions import db
        from app.messages.models import ReminderQueued
        from app.messages.reminders import queue_due_reminders

        started = time.perf_counter()
        _fill(db)
        print(f"data set written in {time.perf_counter() - started:.1f} s: "
              f"{db.session.scalar(sa.text('SELECT count(*) FROM registration'))} registrations")
        # Day 100 of the set: 18:00 in Oujda is 17:00 UTC; 14:00 UTC covers events starting until 16:00.
        day = FIRST_DAY + timedelta(days=99)
        moments = {"day before, 18:00 Oujda": day.replace(hour=17),
                   "two hours, 14:00 UTC": day.replace(hour=14)}
        lines = []
        for name, now in moments.items():
            durations, queued, statements = [], 0, 0
            for _ in range(RUNS):
                db.session.execute(sa.delete(ReminderQueued))
                db.session.execute(sa.delete(OutboxMessage))
                db.session.commit()
                with count_statements(db.engine) as queries:
                    begin = time.perf_counter()
                    queued = queue_due_reminders(now)
                    durations.append((time.perf_counter() - begin) * 1000)
                statements = len(queries)
            begin = time.perf_counter()
            again = queue_due_reminders(now)
            repeat_ms = (time.perf_counter() - begin) * 1000
            lines.append(f"| {name} | {queued} | {statistics.median(durations):.0f} | {max(durations):.0f} "
                         f"| {statements} | {again} in {repeat_ms:.0f} ms |")
        section = "\n".join([
            HEADING, "",
            f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; command: `python -m bench.reminders` "
            f"(also run by `make bench`)",
            f"- {db.engine.dialect.name}, {EVENTS * PER_EVENT} confirmed registrations of {EVENTS} events "
            f"over {DAYS} days, {PEOPLE} people; median of {RUNS} runs; bar: under 2,000 ms, "
            "a fixed number of statements",
            "",
            "| pass | reminders queued | median ms | max ms | SQL statements | second pass |",
            "|---|---|---|---|---|---|",
            *lines,
        ])
        print(section)
        _write_section(section)


if __name__ == "__main__":
    main()
