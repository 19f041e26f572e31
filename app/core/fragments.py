"""Public pages kept for anonymous visitors, and the data version that makes that safe.

A page (the events list, an event's page, an htmx answer) is rendered once and its HTML reused while
three things hold: the visitor is anonymous with no message waiting (nothing personal is ever kept),
the database's data version is the one the page was rendered under, and the clock has not reached
the page's `until` (the next moment it changes by itself: an event ends, a call's next phase). The
key is the language and the whole URL. The CSRF token is the one thing of the visitor's own a page
holds: it is rendered as a placeholder and each answer gets the visitor's token put in its place.

The data version is one row (`data_version`) whose token changes in every transaction that writes,
in that transaction, just before it commits: a page that reads the new data reads the new token with
it (or later), so nothing rendered from old data is ever reused after a write. Every process (both
gunicorn workers, `flask` commands) writes through the same engine hook; the token is random, so a
table emptied and filled again never meets a token it had before.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Response, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.core.i18n import current_language
from app.core.kept_body import KeptBody
from app.core.time import utcnow
from app.extensions import db

# Statements that never change data; anything else (INSERT, UPDATE, DELETE, DDL, WITH ...) does.
_READS = ("SELECT", "PRAGMA", "SHOW", "EXPLAIN", "BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT",
          "SET ")
_WROTE = "jiwar_wrote"
MAX_ENTRIES = 512  # per process: ~15 KB each at most, a few MB


def install_data_version(engine: sa.Engine) -> None:
    """Bump the data version in every transaction that wrote, on this engine."""
    placeholder = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    upsert = (
        f"INSERT INTO data_version (id, token) VALUES (1, {placeholder}) "  # noqa: S608 - no input
        "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
    )

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _note_writes(connection, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip()[:9].upper().startswith(_READS):
            connection.info[_WROTE] = True

    @sa.event.listens_for(engine, "commit")
    def _bump(connection):
        if not connection.info.pop(_WROTE, False):
            return
        # On the DBAPI connection itself, inside the transaction being committed. A savepoint keeps
        # the transaction usable when the table is not there yet (migrating from an older schema).
        cursor = connection.connection.cursor()
        try:
            cursor.execute("SAVEPOINT jiwar_data_version")
            try:
                cursor.execute(upsert, (secrets.randbits(62),))
            except engine.dialect.loaded_dbapi.Error:
                cursor.execute("ROLLBACK TO SAVEPOINT jiwar_data_version")
            cursor.execute("RELEASE SAVEPOINT jiwar_data_version")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "rollback")
    def _forget(connection):
        connection.info.pop(_WROTE, None)


DATA_VERSION_QUERY = "SELECT token FROM data_version WHERE id = 1"


def data_token() -> int | None:
    """The current data version, read once per request; None while no write has set it (nothing
    is kept then)."""
    if "jiwar_data_token" not in g:
        g.jiwar_data_token = _read_data_token()
    return g.jiwar_data_token


# Called with the statement whenever the data version is read past SQLAlchemy's statement events
# (below): tests and make bench count it as the query it is.
data_version_readers: list[Callable[[str], None]] = []


def _read_data_token() -> int | None:
    session = db.session()
    if session.in_transaction():
        # The request has read already: in its transaction, so the token is not newer than that.
        return session.connection().exec_driver_sql(DATA_VERSION_QUERY).scalar()
    # The request's first read, before the page's own: the token is never newer than the data they
    # will see. In autocommit, with no BEGIN and ROLLBACK around it, a kept page costs PostgreSQL
    # one round trip instead of three; on the pooled DBAPI connection itself, half the CPU time of
    # a SQLAlchemy Connection.
    for reader in data_version_readers:
        reader(DATA_VERSION_QUERY)
    engine = db.engine
    pooled = engine.raw_connection()
    try:
        return _read_in_autocommit(pooled.driver_connection, engine.dialect.name == "postgresql")
    except engine.dialect.loaded_dbapi.Error:
        pooled.invalidate()  # never lent again
        raise
    finally:
        pooled.close()


def _read_in_autocommit(driver_connection, postgresql: bool) -> int | None:
    # SQLite's connections run a lone SELECT outside any transaction already (app/core/database.py).
    if postgresql:
        driver_connection.autocommit = True
    cursor = driver_connection.cursor()
    try:
        cursor.execute(DATA_VERSION_QUERY)
        row = cursor.fetchone()
    finally:
        cursor.close()
    if postgresql:
        driver_connection.autocommit = False
    return row[0] if row else None


@dataclass(frozen=True)
class Fragment:
    token: int
    until: datetime | None  # first moment the content may differ by itself; None: never
    content: object  # a page's HTML, a report's figures, a personal page's body and headers


class FragmentCache:
    """A bounded, least-recently-used store of rendered pages, one per process."""

    def __init__(self, size: int = MAX_ENTRIES):
        self._entries: OrderedDict[tuple, Fragment] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple, token: int, now: datetime) -> str | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.token != token or (entry.until is not None and now >= entry.until):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry.content

    def put(self, key: tuple, fragment: Fragment) -> None:
        with self._lock:
            self._entries[key] = fragment
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


cache = FragmentCache()
# While a shared page renders: its CSRF token is a placeholder; in a fixed fragment none may appear.
_sharing: ContextVar[str | None] = ContextVar("jiwar_rendering_shared", default=None)
CSRF_PLACEHOLDER = "jiwarcsrf" + secrets.token_hex(16)  # letters and digits: escaping keeps it


def csrf_token() -> str:
    """Templates' csrf_token(): the visitor's token, or its placeholder inside a shared page."""
    sharing = _sharing.get()
    if sharing == "page":
        return CSRF_PLACEHOLDER
    if sharing == "fixed":
        raise RuntimeError("A fragment shared by every visitor cannot hold a CSRF token.")
    return session_csrf_token()


_SIGNED_TOKENS_KEPT = 4096
_signed_tokens: dict[str, str] = {}


def session_csrf_token() -> str:
    """Flask-WTF's generate_csrf(), signed once per session and process. A signed token only adds
    the second it was signed to the session's secret, and tokens live as long as the session
    (WTF_CSRF_TIME_LIMIT = None), so one signature serves every page; signing again for each
    answer was a sixteenth of a kept page's time."""
    if "csrf_token" in g:
        return generate_csrf()  # this request's, already signed
    signed = _signed_tokens.get(session.get("csrf_token"))
    if signed is None:
        signed = generate_csrf()  # makes the session's secret when it has none yet
        if len(_signed_tokens) >= _SIGNED_TOKENS_KEPT:
            _signed_tokens.clear()
        _signed_tokens[session["csrf_token"]] = signed
    g.csrf_token = signed  # where generate_csrf() and kept_pages look for this request's token
    return signed


@contextmanager
def _rendering_shared(kind: str):
    reset = _sharing.set(kind)
    try:
        yield
    finally:
        _sharing.reset(reset)


def sharing_page():
    """Inside: templates' csrf_token() writes the placeholder, to be replaced in each answer."""
    return _rendering_shared("page")


def sharing_fixed():
    """Inside: a fragment every visitor gets as it is; a CSRF token in it is an error."""
    return _rendering_shared("fixed")


def shared_page(
    name: str, render: Callable[[], tuple[str, datetime | None]], reads_data: bool = True
) -> Response:
    """The answer `name` for this URL in this language: kept for anonymous visitors, rendered for
    everyone else. `render()` loads what it shows (it may abort with a 404: a change of visibility
    is a write) and returns (html, until). `reads_data=False`: a page that shows no data at all."""
    if current_user.is_authenticated or "_flashes" in session:
        return make_response(render()[0])
    token = data_token() if reads_data else 0
    key = (name, current_language(), request.full_path)
    body = cache.get(key, token, utcnow()) if token is not None else None
    if body is None:
        with sharing_page():
            html, until = render()
        body = KeptBody(html, CSRF_PLACEHOLDER)
        if token is not None:
            cache.put(key, Fragment(token, until, body))
    return body.response(session_csrf_token)


# Computed figures (a whole report's tables) are large: a few per process are enough for the people
# who read reports, switching back and forth between filters.
figures = FragmentCache(size=16)


def kept_figures(key: tuple, compute: Callable[[], object]) -> object:
    """What `compute()` returns for `key`, kept per process until the next write. Only for results
    that depend on nothing but the data and `key`: the key holds whatever else decides them (the
    viewer's towns, exact or protected, the language)."""
    token = data_token()
    if token is None:
        return compute()
    value = figures.get(key, token, utcnow())
    if value is None:
        value = compute()
        figures.put(key, Fragment(token, None, value))
    return value


def kept_html(key: tuple, render: Callable[[], str]) -> Markup:
    """kept_figures for a rendered fragment, which may hold no CSRF token (it is shared)."""

    def fixed() -> Markup:
        with sharing_fixed():
            return Markup(render())  # noqa: S704 - our own rendered template

    return kept_figures(key, fixed)


_by_language: dict[tuple[str, str], Markup] = {}


def language_fragment(name: str, render: Callable[[], str]) -> Markup:
    """A fragment that is a pure function of the code and the language (a blank form's fields):
    rendered once per language and process, for everyone."""
    key = (name, current_language())
    html = _by_language.get(key)
    if html is None:
        with sharing_fixed():
            html = _by_language[key] = Markup(render())  # noqa: S704 - our own rendered template
    return html


def earliest_after(now: datetime, *moments: datetime | None) -> datetime | None:
    """The first of `moments` not yet passed: the next time a page's content may change by itself.
    A moment equal to `now` counts (the fragment is then not reused at all)."""
    ahead = [moment for moment in moments if moment is not None and moment >= now]
    return min(ahead) if ahead else None
