"""A worker's memory as gunicorn starts one: resident size and modules after importing the app, then
after rendering the public pages once (production settings, no load).

    .venv/bin/python -m bench.memory [DATABASE_URL]

Default: the large SQLite data set of `make bench` (bench/data/bench-large.sqlite3). make bench's
figure (RSS after the run, bench/RESULTS.md) also holds what a worker's pages keep afterwards.
"""

import os
import sys

PAGES = ["/fr/", "/fr/events", "/fr/events/7", "/fr/directory/", "/fr/calls/9?sort=supports",
         "/fr/proposals/238"]


def resident_mb() -> int:
    pages = int(open("/proc/self/statm").read().split()[1])  # noqa: SIM115 - one short read
    return pages * os.sysconf("SC_PAGE_SIZE") // 2**20


def main(url: str) -> None:
    os.environ.update(JIWAR_CONFIG="production", SECRET_KEY="bench-secret-key-not-for-production",  # noqa: S106
                      DATABASE_URL=url, JIWAR_TRUSTED_HOSTS="localhost")
    from wsgi import app

    print(f"after start-up: {resident_mb()} MB resident, {len(sys.modules)} modules")
    client = app.test_client()
    statuses = [client.get(path).status_code for path in PAGES]
    print(f"after {len(PAGES)} public pages ({set(statuses)}): {resident_mb()} MB resident, "
          f"{len(sys.modules)} modules")


if __name__ == "__main__":
    from bench.run import database_url

    main(sys.argv[1] if len(sys.argv) > 1 else database_url("sqlite", "large"))
