"""The pages `make bench` measures, how to reach each one in the generated data, and their SQL count."""

import time
from dataclasses import dataclass

import sqlalchemy as sa

from config import ProductionConfig, TestConfig

BENCH_USER = 2  # organiser in every town (bench/generate.py), registered to events
BENCH_REVIEWER = 3  # reviewer in every town


@dataclass(frozen=True)
class Page:
    name: str
    template: str  # path, with {placeholders} filled by `lookups`
    language: str = "fr"
    signed_in: bool = False
    user: int = BENCH_USER

    def path(self, url: str) -> str:
        """The page's address in its language (every page's address starts with it)."""
        path = self.template.format(**lookups(url)) if "{" in self.template else self.template
        return f"/{self.language}{path}"


BUSIEST_EVENT = "SELECT id FROM event WHERE status = 'published' ORDER BY confirmed_count DESC, id LIMIT 1"
LOOKUPS: dict[str, str] = {
    "event": f"SELECT id FROM ({BUSIEST_EVENT}) AS busiest",
    "session": f"SELECT id FROM event_session WHERE event_id = ({BUSIEST_EVENT}) ORDER BY starts_at LIMIT 1",
    "call": "SELECT call_id FROM proposal GROUP BY call_id ORDER BY COUNT(*) DESC, call_id LIMIT 1",
    "proposal": "SELECT id FROM proposal ORDER BY support_count DESC, id LIMIT 1",
    "service": "SELECT id FROM service WHERE retired_at IS NULL ORDER BY id LIMIT 1",
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
    Page("review queue", "/manage/calls/{call}/review?sort=supports", signed_in=True,
         user=BENCH_REVIEWER),
    Page("directory list", "/directory/"),
    Page("directory list, filtered", "/directory/?need=health&municipality=oujda"),
    Page("directory entry", "/directory/{service}"),
    Page("programme dashboard", "/programmes/1"),
    Page("gender × origin report", "/reports?programme=1", signed_in=True),
]


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _app(url: str):
    from app import create_app
    from bench.run import SECRET_KEY

    # The cookies it signs are sent to gunicorn running the production settings: same name.
    settings = {"SQLALCHEMY_DATABASE_URI": _driver(url), "TESTING": False, "SECRET_KEY": SECRET_KEY,
                "SESSION_COOKIE_NAME": ProductionConfig.SESSION_COOKIE_NAME}
    config = type("BenchConfig", (TestConfig,), settings)
    return create_app(config)


def session_cookie(url: str, user_id: int = BENCH_USER) -> str:
    """A signed session cookie for `user_id`, as the app would set it after sign-in."""
    app = _app(url)
    with app.app_context():
        from app.accounts.models import User
        from app.extensions import db

        user = db.session.get(User, user_id)
        serializer = app.session_interface.get_signing_serializer(app)
        now = int(time.time())  # the session clocks of app/accounts/session.py
        session = {"_user_id": user.get_id(), "_fresh": True, "signed_in_at": now, "seen_at": now}
        value = serializer.dumps(session)
        db.engine.dispose()
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def query_counts(url: str) -> dict[str, str]:
    """SQL statements each page runs, counted in-process on the same database. Requests run outside
    any app context of ours: each gets its own, as under gunicorn (a shared one would keep `g`, the
    signed-in user and the language, from one request to the next)."""
    app = _app(url)
    counted: list[str] = []
    results = {}
    with app.app_context():
        from app.extensions import db

        engine = db.engine

    def count(*_args):
        counted.append("q")

    sa.event.listen(engine, "before_cursor_execute", count)
    cookies = {user: session_cookie(url, user).split("=", 1)[1] for user in {p.user for p in PAGES}}
    for page in PAGES:
        client = app.test_client()
        if page.signed_in:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[page.user])
        path = page.path(url)
        client.get(path, headers={"Accept-Language": page.language})  # warm SQLAlchemy's caches
        counted.clear()
        response = client.get(path, headers={"Accept-Language": page.language})
        if response.status_code != 200:
            raise RuntimeError(f"{page.name} {path}: {response.status_code}")
        results[page.name] = str(len(counted))
    sa.event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    return results
