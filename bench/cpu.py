"""CPU time per request, in-process, with the production config: less noisy than wrk on a shared
machine (it counts this process's CPU, not the time spent waiting for a core).

    .venv/bin/python -m bench.cpu postgresql://postgres@127.0.0.1:5432/jiwar_bench_small /events
    .venv/bin/python -m bench.cpu URL PATH --profile     # the 30 costliest functions, by CPU time
    .venv/bin/python -m bench.cpu URL PATH --sql         # each statement's time in the database driver
    BENCH_SORT=cumulative BENCH_LINES=60 .venv/bin/python -m bench.cpu URL PATH --profile

Prints the best of three rounds of 20 requests, CPU and wall-clock time (identity encoding:
compression is measured by make bench). Sign-in: BENCH_USER=2 (organiser) or 3 (reviewer) in the environment.
"""

import cProfile
import os
import pstats
import sys
import time


def main(url: str, path: str, profile: bool, sql: bool) -> None:
    # config.py reads the environment when first imported: set it before anything imports it
    os.environ.update(JIWAR_CONFIG="production", SECRET_KEY="bench-secret-key-not-for-production",  # noqa: S106
                      DATABASE_URL=url, JIWAR_TRUSTED_HOSTS="localhost")  # the test client's host
    from bench.pages import session_cookie
    from wsgi import app

    client = app.test_client()
    if os.environ.get("BENCH_USER"):
        cookie = session_cookie(url, int(os.environ["BENCH_USER"])).split("=", 1)[1]
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    headers = {"Accept-Language": os.environ.get("BENCH_LANGUAGE", "fr"), "Accept-Encoding": "identity"}
    response = client.get(path, headers=headers)
    print(f"{path}: {response.status_code}, {len(response.data)} bytes")
    rounds, walls = [], []
    for _ in range(3):
        started, wall = time.process_time(), time.perf_counter()
        for _ in range(20):
            client.get(path, headers=headers)
        rounds.append((time.process_time() - started) / 20 * 1000)
        walls.append((time.perf_counter() - wall) / 20 * 1000)
    print(f"CPU per request: {min(rounds):.2f} ms (best of 3 rounds of 20)")
    print(f"Time per request, database included: {min(walls):.1f} ms (best of 3 rounds of 20)")
    if sql:
        _statement_times(app, lambda: client.get(path, headers=headers))
    if profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(20):
            client.get(path, headers=headers)
        profiler.disable()
        order, lines = os.environ.get("BENCH_SORT", "tottime"), int(os.environ.get("BENCH_LINES", "30"))
        pstats.Stats(profiler).sort_stats(order).print_stats(lines)


def _statement_times(app, request) -> None:
    """Time spent inside the driver per statement over 20 requests, from SQLAlchemy's cursor events:
    how much of a page's time the database itself takes, against the CPU per request above."""
    import sqlalchemy as sa

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    spent: dict[str, list[float]] = {}

    def before(conn, _cursor, _statement, _parameters, _context, _many):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, _cursor, statement, _parameters, _context, _many):
        elapsed = time.perf_counter() - conn.info["bench_started"]
        spent.setdefault(" ".join(statement.split()), []).append(elapsed)

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    for _ in range(20):
        request()
    sa.event.remove(engine, "before_cursor_execute", before)
    sa.event.remove(engine, "after_cursor_execute", after)
    total = sum(sum(times) for times in spent.values()) / 20 * 1000
    statements = sum(map(len, spent.values())) // 20
    print(f"In the database driver: {total:.2f} ms per request, {statements} statements")
    for statement, times in sorted(spent.items(), key=lambda item: -sum(item[1])):
        print(f"{sum(times) / 20 * 1000:8.3f} ms  {statement[:120]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--profile" in sys.argv, "--sql" in sys.argv)
