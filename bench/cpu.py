"""CPU time per request, in-process, with the production config: less noisy than wrk on a shared
machine (it counts this process's CPU, not the time spent waiting for a core).

    .venv/bin/python -m bench.cpu postgresql://postgres@127.0.0.1:5432/jiwar_bench_small /events
    .venv/bin/python -m bench.cpu URL PATH --profile     # the 30 costliest functions, by CPU time
    BENCH_SORT=cumulative BENCH_LINES=60 .venv/bin/python -m bench.cpu URL PATH --profile

Prints the best of three rounds of 20 requests, CPU and wall-clock time (identity encoding:
compression is measured by make bench). Sign-in: BENCH_USER=2 (organiser) or 3 (reviewer) in the environment.
"""

import cProfile
import os
import pstats
import sys
import time


def main(url: str, path: str, profile: bool) -> None:
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
    if profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(20):
            client.get(path, headers=headers)
        profiler.disable()
        order, lines = os.environ.get("BENCH_SORT", "tottime"), int(os.environ.get("BENCH_LINES", "30"))
        pstats.Stats(profiler).sort_stats(order).print_stats(lines)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--profile" in sys.argv)
