"""Where a registration's time goes, in-process (no nginx, no network, no other load than the machine's):
the CPU time and the wall-clock time of one "Register" press, and the costliest functions.

    .venv/bin/python -m bench.register_cpu [--profile]

Also prints the SQL statements of the last press, those run while it held the event's row lock
marked with "locked".

Uses the database `make bench-cluster` copies (jiwar_cluster_template, made by its first run) under
another name, one workshop with 25 seats, 200 residents each pressing once (production settings).
"""

import cProfile
import os
import pstats
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

PEOPLE = 200


def main(profile: bool) -> None:
    from app import create_app
    from bench.cluster import COOKIE, SECRET_KEY, fresh, open_workshop, rush_people, template
    from bench.cluster_stack import csrf_header, session_cookie
    from bench.pages import _app
    from config import ProductionConfig, database_url

    url = fresh(template())
    settings = {"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": SECRET_KEY,
                "JIWAR_TRUSTED_HOSTS": ["localhost"]}  # the test client's host
    app = create_app(type("RegisterCPU", (ProductionConfig,), settings))

    event_id = open_workshop(_app(url), 25, datetime.now(UTC) - timedelta(minutes=1))
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db

        presses = []
        for user in db.session.scalars(sa.select(User).where(User.id.in_(rush_people(url, PEOPLE)))):
            raw = os.urandom(20).hex()
            presses.append((session_cookie(SECRET_KEY, COOKIE, user, raw).split("=", 1)[1],
                            csrf_header(SECRET_KEY, raw)))
        db.session.remove()
    client = app.test_client()
    statements = watch_statements(app)
    profiler = cProfile.Profile(time.process_time) if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    statuses = {}
    for cookie, token in presses:
        statements.clear()
        client.set_cookie(COOKIE, cookie)
        response = client.post(f"/en/events/{event_id}/register", headers={
            "X-CSRFToken": token, "Referer": f"https://localhost/en/events/{event_id}"})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    if profiler:
        profiler.disable()
    count = len(presses)
    print(f"{count} presses, statuses {statuses}")
    print(f"CPU per registration: {(time.process_time() - cpu) / count * 1000:.1f} ms; "
          f"wall-clock, database included: {(time.perf_counter() - wall) / count * 1000:.1f} ms")
    print(f"The last press's {len(statements)} statements:")
    locked = False
    for statement in statements:
        locked = locked or "FOR UPDATE" in statement
        print(f"  {'locked' if locked else '      '} {statement[:110]}")
        locked = locked and statement != "COMMIT"  # the lock goes with the transaction
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def watch_statements(app) -> list[str]:
    """The first line of every statement the app's engine sends, COMMIT included."""
    from sqlalchemy import event

    from app.extensions import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: seen.append(" ".join(statement.split())))
    event.listen(engine, "commit", lambda _connection: seen.append("COMMIT"))
    return seen


if __name__ == "__main__":
    main("--profile" in sys.argv)
