"""The public pages while a resident writes: `make bench`'s write-mix section.

A signed-in person supports and withdraws their support of a proposal, registers for an event and
cancels, five writes a second, through the app's own forms (CSRF token included), while wrk reads the
anonymous public pages paired with the ceiling. After every write an anonymous read of the page the
write changed must show it (the support count, the seats left): a stale page is counted.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import sqlalchemy as sa

from bench.cache_stats import summed_counts

WRITES_PER_SECOND = 5
SUPPORTABLE = """
SELECT p.id FROM proposal p JOIN proposal_call c ON c.id = p.call_id
WHERE c.support_opens_at <= :now AND :now < c.support_closes_at AND NOT p.is_hidden
  AND p.status <> 'withdrawn' AND (p.author_id IS NULL OR p.author_id <> :user)
  AND NOT EXISTS (SELECT 1 FROM support s WHERE s.proposal_id = p.id AND s.user_id = :user)
ORDER BY p.id LIMIT 1"""
REGISTRABLE = """
SELECT e.id FROM event e
WHERE e.status = 'published' AND e.starts_at > :now AND e.capacity IS NOT NULL
  AND e.confirmed_count < e.capacity - 1
  AND (e.registration_opens_at IS NULL OR e.registration_opens_at <= :now)
  AND (e.registration_closes_at IS NULL OR e.registration_closes_at > :now)
  AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.event_id = e.id AND r.participant_id =
                  (SELECT participant_id FROM "user" WHERE id = :user))
ORDER BY e.id LIMIT 1"""
SUPPORT_COUNT = re.compile(r'class="support-count"><strong>([^<]+)</strong>')
SEATS_LEFT = re.compile(r"(\d[\d,]*) left of ")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def targets(url: str, user_id: int) -> tuple[int | None, int | None]:
    from datetime import UTC, datetime

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        params = {"now": datetime.now(UTC).replace(tzinfo=None), "user": user_id}
        proposal = connection.scalar(sa.text(SUPPORTABLE), params)
        event = connection.scalar(sa.text(REGISTRABLE), params)
    engine.dispose()
    return proposal, event


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


class Writer(threading.Thread):
    """Writes as the signed-in person, then reads the page anonymously and checks it shows the write."""

    def __init__(self, base: str, cookie: str, proposal: int | None, event: int | None):
        super().__init__(daemon=True)
        self.base, self.proposal, self.event = base, proposal, event
        self.cookie = cookie  # the session, as the server last set it (its CSRF secret with it)
        self.stop_event = threading.Event()
        self.writes = self.checked = self.stale = self.refused = 0

    def _signed_in(self, path: str, data: bytes | None = None) -> str:
        headers = {"Cookie": self.cookie, "Accept-Language": "en"}
        request = Request(self.base + path, data=data, headers=headers)  # noqa: S310 - loopback
        with urlopen(request) as response:  # noqa: S310 - loopback
            for header in response.headers.get_all("Set-Cookie") or []:
                name = self.cookie.split("=", 1)[0]
                if header.startswith(name + "="):
                    self.cookie = header.split(";", 1)[0]
            return response.read().decode()

    def _post(self, path: str, form_page: str) -> None:
        token = TOKEN.search(self._signed_in(form_page)).group(1)
        self._signed_in(path, urlencode({"csrf_token": token, "next": form_page}).encode())
        self.writes += 1

    def _anonymous(self, path: str) -> str:
        with urlopen(Request(self.base + path, headers={"Accept-Language": "en"})) as response:  # noqa: S310
            return response.read().decode()

    def _support_count(self) -> int:
        return _number(SUPPORT_COUNT.search(self._anonymous(f"/en/proposals/{self.proposal}")).group(1))

    def _seats_left(self) -> int:
        return _number(SEATS_LEFT.search(self._anonymous(f"/en/events/{self.event}")).group(1))

    def _step(self, action: str) -> None:
        page = f"/en/proposals/{self.proposal}" if "support" in action else f"/en/events/{self.event}"
        before = self._support_count() if "support" in action else self._seats_left()
        paths = {"support": f"/en/proposals/{self.proposal}/support",
                 "unsupport": f"/en/proposals/{self.proposal}/unsupport",
                 "register": f"/en/events/{self.event}/register",
                 "cancel": f"/en/events/{self.event}/cancel-registration"}
        self._post(paths[action], page)
        after = self._support_count() if "support" in action else self._seats_left()
        expected = {"support": before + 1, "unsupport": before - 1, "register": before - 1,
                    "cancel": before + 1}[action]
        self.checked += 1
        if after != expected:
            self.stale += 1

    def run(self) -> None:
        actions = [a for a, target in (("support", self.proposal), ("unsupport", self.proposal),
                                       ("register", self.event), ("cancel", self.event)) if target]
        step = 0
        while not self.stop_event.is_set():
            started = time.monotonic()
            self._step(actions[step % len(actions)])
            step += 1
            time.sleep(max(0.0, 1 / WRITES_PER_SECOND - (time.monotonic() - started)))


def section(kind: str, url: str, ceiling, seconds: int) -> list[str]:
    """RESULTS.md's write-mix lines for one database: the anonymous pages read while the person
    writes, each paired with the ceiling, how many reads after a write were stale, and how often
    the page cache answered. The pages are served by a server of their own, whose workers count
    their caches' hits as they exit (bench/cache_stats.py)."""
    from bench.run import Server

    counts = Path(tempfile.mkdtemp(prefix="jiwar-write-mix-caches-"))
    server = Server(url, config="python:bench.cache_stats", env={"JIWAR_CACHE_STATS_DIR": str(counts)})
    try:
        lines = _measured(kind, url, server, ceiling, seconds)
    finally:
        server.stop()
    hits, misses = summed_counts(counts).get("app.core.page_cache.PageCache", [0, 0])
    shutil.rmtree(counts, ignore_errors=True)
    if hits + misses:
        lines.insert(-1, "")
        lines.insert(-1, f"Page cache (app/core/page_cache.py) over these reads, writes and 1 s of warm-up "
                         f"per page: {hits} hits, {misses} misses, **{hits / (hits + misses):.0%}** hit.")
    return lines


def _measured(kind: str, url: str, server, ceiling, seconds: int) -> list[str]:
    from bench.pages import BENCH_USER, PAGES, session_cookie
    from bench.run import paired_with_ceiling, wrk

    proposal, event = targets(url, BENCH_USER)
    if not (proposal and event):
        # A partial mix would be reported as if it were the whole one: say what is missing instead.
        missing = "proposal open for support" if not proposal else "event open for registration"
        return [f"### {kind}: writes while reading", "", f"No {missing} in this data set (made by an older "
                "bench/generate.py?): delete bench/data/ and the jiwar_bench_* databases to make it anew.",
                ""]
    anonymous = [(page, page.path(url), {"Accept-Language": page.language, "Accept-Encoding": "br, gzip"})
                 for page in PAGES if not page.signed_in]
    for _page, path, headers in anonymous:
        wrk(server.base + path, 1, headers)  # warm, as the pages' section does: a fresh server
    writer = Writer(server.base, session_cookie(url, BENCH_USER), proposal, event)
    writer.start()
    rows = []
    try:
        for page, path, headers in anonymous:
            result, beside = paired_with_ceiling(ceiling.base + "/", server.base + path, seconds, headers)
            rows.append((page, path, result, beside))
    finally:
        writer.stop_event.set()
        writer.join(timeout=30)
    lines = [f"### {kind}: the anonymous pages while a resident writes {WRITES_PER_SECOND} times a second",
             "", f"Writes: {writer.writes} (support and withdraw at proposal {proposal}, register and cancel "
             f"at event {event}); reads after a write that did not show it: **{writer.stale} of "
             f"{writer.checked}**.", "",
             "| page | requests/s | ceiling beside it | share of ceiling | p50 ms | p99 ms | errors |",
             "|---|---|---|---|---|---|---|"]
    for page, path, result, beside in rows:
        share = result["rps"] / beside["rps"] * 100
        lines.append(f"| {page.name} `{path}` | {result['rps']:.0f} | {beside['rps']:.0f} | {share:.0f}% | "
                     f"{result['p50']:.1f} | {result['p99']:.1f} | {result['errors']} |")
    return [*lines, ""]
