"""`make bench`: load the data set, serve it with gunicorn as in production, measure every page with wrk.

BENCH_SCALE=small|large (default large), BENCH_SECONDS (default 10 per page), BENCH_DATABASES
(default sqlite,postgresql; PostgreSQL at BENCH_POSTGRES_URL, default postgres@127.0.0.1:5432).
Writes bench/RESULTS.md (large) or bench/RESULTS-small.md. Never part of `make test`.
"""

import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from urllib.request import Request, urlopen

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "RESULTS.md"
SCALES = {
    "small": {"people": 5_000, "events": 250, "attendances": 50_000, "proposals": 1_000, "supports": 50_000,
              "services": 500},
    "large": {"people": 100_000, "events": 5_000, "attendances": 1_000_000, "proposals": 20_000,
              "supports": 1_000_000, "services": 10_000},
}
SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105
WORKERS = 2
CONNECTIONS = 8


def database_url(kind: str, scale: str) -> str:
    if kind == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / f'bench-{scale}.sqlite3'}"
    base = sa.make_url(os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    name = f"jiwar_bench_{scale}"
    admin = sa.create_engine(base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def flask(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", "JIWAR_CONFIG": "development"}
    return subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=check,
                          capture_output=True, text=True)


def prepare(url: str, scale: str) -> float:
    """Migrate and generate once; a database that already holds the data set is reused."""
    flask(url, "db", "upgrade")
    register_bench_person_in(url)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        people = connection.scalar(sa.text("SELECT COUNT(*) FROM participant"))
        services = connection.scalar(sa.text("SELECT COUNT(*) FROM service"))
    engine.dispose()
    sizes = SCALES[scale]
    env = {**os.environ, "DATABASE_URL": url, "JIWAR_CONFIG": "development"}
    if people and not services:  # a data set generated before the directory: add its entries
        subprocess.run([str(BIN / "python"), "-m", "bench.generate", "--only-services",
                        f"--services={sizes['services']}"], cwd=ROOT, env=env, check=True,
                       capture_output=True, text=True)
    if people:
        return 0.0
    started = time.perf_counter()
    generate_args = [f"--{name}={value}" for name, value in sizes.items()]
    subprocess.run([str(BIN / "python"), "-m", "bench.generate", *generate_args], cwd=ROOT, env=env,
                   check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def register_bench_person_in(url: str) -> None:
    """Data sets generated before bench/generate.py registered the benchmark's person: the same rows."""
    from app import create_app
    from bench.generate import register_bench_person
    from config import TestConfig

    settings = {"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
                "TESTING": False}
    app = create_app(type("BenchConfig", (TestConfig,), settings))
    with app.app_context():
        from app.extensions import db

        if register_bench_person():
            db.session.commit()
        db.session.remove()  # its connection back to the pool, so dispose() closes it
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the production config, `WORKERS` sync workers, as README's production section.
    `stderr`: a file for the server's log (a long run would fill the pipe otherwise)."""

    def __init__(self, url: str | None, app: str = "wsgi:app", workers: int = WORKERS, stderr=None,
                 config: str | None = None, env: dict[str, str] | None = None):
        self.port = free_port()
        env = {**os.environ, "JIWAR_CONFIG": "production", "SECRET_KEY": SECRET_KEY, **(env or {})}
        if url:
            env["DATABASE_URL"] = url
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             *(["--config", config] if config else []), app],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr or subprocess.PIPE,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                urlopen(self.base + "/", timeout=1).close()  # noqa: S310 - our own loopback server
                return
            except OSError:
                time.sleep(0.1)
        log = self.process.stderr.read().decode()[-2000:] if self.process.stderr else "see its log"
        raise RuntimeError("gunicorn did not start: " + log)

    def worker_rss_mb(self) -> list[float]:
        out = subprocess.run(["ps", "--ppid", str(self.process.pid), "-o", "rss="],
                             capture_output=True, text=True, check=False).stdout
        return [int(line) / 1024 for line in out.split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url: str, seconds: int, headers: dict[str, str]) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


SLICE_SECONDS = 2


def paired_with_ceiling(ceiling_url: str, url: str, seconds: int, headers: dict[str, str]
                        ) -> tuple[dict, dict]:
    """(the page's result, the ceiling's) measured in alternating slices of SLICE_SECONDS: on a shared
    machine the capacity moves by a third within a minute, and a ratio means something only when
    both sides met the same machine. Requests/s: the mean of the slices; p50: their median; p99:
    the worst slice's."""
    pages, ceilings = [], []
    for _ in range(max(1, seconds // SLICE_SECONDS)):
        ceilings.append(wrk(ceiling_url, SLICE_SECONDS, {}))
        pages.append(wrk(url, SLICE_SECONDS, headers))
    return _combined(pages), _combined(ceilings)


def _combined(results: list[dict]) -> dict:
    p50s = sorted(result["p50"] for result in results)
    return {
        "rps": sum(result["rps"] for result in results) / len(results),
        "p50": p50s[len(p50s) // 2],
        "p99": max(result["p99"] for result in results),
        "errors": sum(result["errors"] for result in results),
        "socket_errors": "; ".join(result["socket_errors"] for result in results if result["socket_errors"]),
    }


def _errors(result: dict) -> str:
    """Non-2xx answers, and wrk's socket errors (timeouts: requests past its 2 s) when there are any."""
    socket = result["socket_errors"]
    return f"{result['errors']} (socket: {socket})" if socket else str(result["errors"])


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def as_returning_browser(base: str, path: str, headers: dict[str, str]) -> dict[str, str]:
    """`headers` with the session cookie a browser holds once it has seen `path`: wrk replays one
    request as it is, and without that cookie every request would be a first visit, for which the
    server starts a session (a CSRF token, a proposals shuffle) and sends it back."""
    headers = dict(headers)
    for _ in range(3):
        with urlopen(Request(base + path, headers=headers)) as response:  # noqa: S310 - loopback
            cookies = response.headers.get_all("Set-Cookie") or []
            response.read()
        if not cookies:
            break
        headers["Cookie"] = "; ".join(cookie.split(";", 1)[0] for cookie in cookies)
    return headers


def page_weights(base: str, path: str, headers: dict[str, str]) -> tuple[int, int]:
    """(HTML bytes, bytes a first visit transfers as the server sends them: page, CSS and JS compressed)."""
    plain = {name: value for name, value in headers.items() if name != "Accept-Encoding"}
    html = urlopen(Request(base + path, headers=plain)).read()  # noqa: S310 - loopback
    compressed = {**headers, "Accept-Encoding": "br, gzip"}
    total = len(urlopen(Request(base + path, headers=compressed)).read())  # noqa: S310
    for asset in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html):
        total += len(urlopen(Request(base + asset.decode(), headers=compressed)).read())  # noqa: S310
    return len(html), total


def fragment_weight(base: str, path: str, language: str) -> int:
    """Bytes an htmx filter change transfers (the results fragment, compressed; assets are cached)."""
    headers = {"Accept-Language": language, "Accept-Encoding": "br, gzip", "HX-Request": "true"}
    return len(urlopen(Request(base + path, headers=headers)).read())  # noqa: S310 - loopback


def other_scale_counts(kind: str, scale: str) -> dict[str, str] | None:
    """The query counts on the other data set, when it has been generated (same code, other size)."""
    from bench.pages import query_counts

    other = "small" if scale == "large" else "large"
    if kind == "sqlite" and not (DATA / f"bench-{other}.sqlite3").exists():
        return None
    url = database_url(kind, other)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            people = connection.scalar(sa.text("SELECT COUNT(*) FROM participant"))
    except sa.exc.DBAPIError:
        people = 0
    engine.dispose()
    if not people:
        return None
    flask(url, "db", "upgrade")
    register_bench_person_in(url)
    return query_counts(url)


FILTER_CHANGE = "/fr/events?type=workshop&municipality=oujda"


def database_section(kind: str, scale: str, seconds: int, ceiling: Server) -> tuple[list[str], list[float]]:
    """The section of RESULTS.md for one database, every page paired with the ceiling; and the
    ceiling's requests/s beside each page."""
    from bench.pages import PAGES, query_counts, session_cookie
    from bench.reports import measure as report_times
    from bench.write_mix import section as write_mix

    url = database_url(kind, scale)
    generated = prepare(url, scale)
    counts = query_counts(url)
    other_counts = other_scale_counts(kind, scale) or {}
    other = "small" if scale == "large" else "large"
    server = Server(url)
    cookies = {user: session_cookie(url, user) for user in {page.user for page in PAGES}}
    rows = []
    try:
        for page in PAGES:
            path = page.path(url)
            headers = {"Accept-Language": page.language, "Accept-Encoding": "br, gzip"}
            if page.signed_in:
                headers["Cookie"] = cookies[page.user]
            wrk(server.base + path, 1, headers)  # warm: both workers' kept pages and reports
            returning = as_returning_browser(server.base, path, headers)
            result, beside = paired_with_ceiling(ceiling.base + "/", server.base + path, seconds, returning)
            html, first_visit = page_weights(server.base, path, headers)
            rows.append((page, path, result, beside, html, first_visit))
        rss = server.worker_rss_mb()
        fragment = fragment_weight(server.base, FILTER_CHANGE, "fr")
    finally:
        server.stop()
    writing = write_mix(kind, url, ceiling, seconds)
    lines = [f"## {kind}" + (f" (data generated in {generated:.0f} s)" if generated else ""), "",
             "| page | requests/s | ceiling beside it | share of ceiling | p50 ms | p99 ms | errors | "
             f"SQL queries ({scale}) | SQL queries ({other}) | HTML KB | first visit KB (compressed) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for page, path, result, beside, html, first_visit in rows:
        share = result["rps"] / beside["rps"] * 100
        lines.append(f"| {page.name} `{path}` | {result['rps']:.0f} | {beside['rps']:.0f} | {share:.0f}% | "
                     f"{result['p50']:.1f} | {result['p99']:.1f} | {_errors(result)} | "
                     f"{counts.get(page.name, '?')} | {other_counts.get(page.name, 'not generated')} | "
                     f"{html / 1024:.1f} | {first_visit / 1024:.1f} |")
    lines += ["", f"Worker memory after the run: {', '.join(f'{mb:.0f} MB' for mb in rss)} RSS.", "",
              f"An htmx filter change (`{FILTER_CHANGE}` with HX-Request) transfers "
              f"{fragment / 1024:.1f} KB compressed.", "", *writing, "### Report queries", ""]
    lines += report_times(url) + [""]
    return lines, [beside["rps"] for _page, _path, _result, beside, _html, _first in rows]


def main() -> None:
    scale = os.environ.get("BENCH_SCALE", "large")
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    kinds = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    lines = [f"# Benchmark results ({scale} data set)", "",
             f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; command: `BENCH_SCALE={scale} make bench`",
             f"- machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_model()}, {_memory()}",
             f"- versions: Python {platform.python_version()}, Flask {version('flask')}, SQLAlchemy "
             f"{version('sqlalchemy')}, gunicorn {version('gunicorn')}, Jinja {version('jinja2')}",
             f"- server: gunicorn --workers {WORKERS} (sync), JIWAR_CONFIG=production; load: wrk -t2 "
             f"-c{CONNECTIONS} from a second process, {seconds} s per page in {SLICE_SECONDS} s slices "
             "alternating with the ceiling's, after 1 s of the same load to warm the "
             "workers (the first request after a start or a write counts a report afresh); each request "
             "carries the session cookie a browser holds after its first visit to the page (first visits "
             "are weighed apart, in the last column)",
             f"- data set: {SCALES[scale]}", ""]
    ceiling = Server(None, "bench.ceiling:app")  # serves throughout: each page is paired with it
    ceilings: list[float] = []
    sections: list[str] = []
    try:
        for kind in kinds:
            section, beside_pages = database_section(kind, scale, seconds, ceiling)
            sections += section
            ceilings += beside_pages
    finally:
        ceiling.stop()
    lines += [f"Ceiling (bare Flask route returning a short string, same gunicorn settings), measured in "
              f"{SLICE_SECONDS} s slices alternating with each page's: **{statistics.median(ceilings):.0f} "
              f"requests/s** (median of the pages' pairs; from {min(ceilings):.0f} to {max(ceilings):.0f}). "
              "Each page's share is to the ceiling measured beside it.", "", *sections]
    # The bar is measured at the large size (bench/RESULTS.md); the small run keeps its own file.
    out = RESULTS if scale == "large" else RESULTS.with_name(f"RESULTS-{scale}.md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return "?"


if __name__ == "__main__":
    main()
