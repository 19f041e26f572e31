"""The pages `make bench` measures, how to reach each one in the generated data, and their SQL count."""

import time
from dataclasses import dataclass

import sqlalchemy as sa

from config import TestConfig

BENCH_USER = 2  # organiser and reviewer in every town (bench/generate.py), registered to events


@dataclass(frozen=True)
class Page:
    name: str
    template: str  # path, with {placeholders} filled by `lookups`
    language: str = "fr"
    signed_in: bool = False

    def path(self, url: str) -> str:
        return self.template.format(**lookups(url)) if "{" in self.template else self.template


BUSIEST_EVENT = "SELECT id FROM event WHERE status = 'published' ORDER BY confirmed_count DESC, id LIMIT 1"
LOOKUPS: dict[str, str] = {
    "event": f"SELECT id FROM ({BUSIEST_EVENT})",
    "session": f"SELECT id FROM event_session WHERE event_id = ({BUSIEST_EVENT}) ORDER BY starts_at LIMIT 1",
    "call": "SELECT call_id FROM proposal GROUP BY call_id ORDER BY COUNT(*) DESC, call_id LIMIT 1",
    "proposal": "SELECT id FROM proposal ORDER BY support_count DESC, id LIMIT 1",
}


def lookups(url: str) -> dict[str, int]:
    engine = sa.create_engine(_driver(url))
    with engine.connect() as connection:
        found = {name: connection.scalar(sa.text(sql)) for name, sql in LOOKUPS.items()}
    engine.dispose()
    return found


PAGES: list[Page] = [
    Page("home", "/"),
    Page("events list", "/events"),
    Page("events list (ar)", "/events", language="ar"),
    Page("events list, filtered", "/events?type=workshop&municipality=oujda"),
    Page("event page", "/events/{event}"),
    Page("event page, signed in", "/events/{event}", signed_in=True),
    Page("my events", "/me/events", signed_in=True),
    Page("door page", "/door/sessions/{session}", signed_in=True),
    Page("proposals list by supports", "/calls/{call}?sort=supports"),
    Page("proposal page", "/proposals/{proposal}"),
    Page("review queue", "/manage/calls/{call}/review?sort=supports", signed_in=True),
    Page("programme dashboard", "/programmes/1"),
    Page("gender × origin report", "/reports?programme=1", signed_in=True),
]


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _app(url: str):
    from app import create_app
    from bench.run import SECRET_KEY

    settings = {"SQLALCHEMY_DATABASE_URI": _driver(url), "TESTING": False, "SECRET_KEY": SECRET_KEY}
    config = type("BenchConfig", (TestConfig,), settings)
    return create_app(config)


def session_cookie(url: str) -> str:
    """A signed session cookie for BENCH_USER, as the app would set it after sign-in."""
    app = _app(url)
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db

        user = db.session.get(User, BENCH_USER)
        serializer = app.session_interface.get_signing_serializer(app)
        now = int(time.time())  # the session clocks of app/accounts/session.py
        session = {"_user_id": user.get_id(), "_fresh": True, "signed_in_at": now, "seen_at": now}
        value = serializer.dumps(session)
        db.engine.dispose()
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def query_counts(url: str) -> dict[str, int]:
    """SQL statements each page runs, counted in-process on the same database."""
    app = _app(url)
    counted: list[str] = []
    results = {}
    with app.app_context():
        from app.extensions import db

        def count(*_args):
            counted.append("q")

        sa.event.listen(db.engine, "before_cursor_execute", count)
        client = app.test_client()
        cookie = session_cookie(url).split("=", 1)[1]
        for page in PAGES:
            if page.signed_in:
                client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
            else:
                client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
            path = page.path(url)
            client.get(path, headers={"Accept-Language": page.language})  # warm caches
            counted.clear()
            client.get(path, headers={"Accept-Language": page.language})
            results[page.name] = len(counted)
        sa.event.remove(db.engine, "before_cursor_execute", count)
        db.engine.dispose()
    return results

