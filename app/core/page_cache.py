"""Public pages kept in each process while the data they show is unchanged.

A public page answered to a visitor who carries nothing (no cookie: not signed in, no message
waiting, no token) is the same bytes for everyone who asks for that address (app/core/http_cache.py
marks it `Cache-Control: public` with its ETag). Such an answer is kept, compressed as it was sent,
with the versions of the tables its queries named (app/core/table_versions.py). The next visitor
who carries nothing gets it back while those versions are the same and the minute has not turned
(the lists depend on the clock: what is upcoming, what is open now): one small query instead of the
page's queries and its rendering.

So a write is shown at once to everyone, on every server: it bumps its tables' versions in its own
transaction, and the versions are read before a page's own queries. A check-in changes the
programme's totals and leaves the events list kept; a sign-in keeps every page.

Anything else goes to the app as it is: signed-in people and visitors with a cookie, htmx
fragments, conditional and range requests, other methods. JIWAR_PAGE_CACHE_ENTRIES bounds how many
answers a process keeps (0: none).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa

from app.core.table_versions import current_versions, tables_read
from app.core.time import utcnow

# Request headers under which an answer may differ, or must come from the app itself.
_LEFT_TO_THE_APP = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE",
                    "HTTP_RANGE", "HTTP_HX_REQUEST")
_LARGEST_PAGE = 256 * 1024


@dataclass(frozen=True)
class KeptPage:
    versions: tuple[tuple[str, int], ...]  # the tables it read, and their versions then
    minute: int
    status: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Counts:
    hits: int = 0
    misses: int = 0


counts = Counts()  # read by the soak (bench/cache_stats.py)


class PageCache:
    def __init__(self, wsgi_app, flask_app, entries: int):
        self.wsgi_app, self.flask_app, self.entries = wsgi_app, flask_app, entries
        self.kept: OrderedDict[tuple, KeptPage] = OrderedDict()
        self.lock = threading.Lock()  # `flask run` and threaded servers answer several at once
        self.static_prefix = (flask_app.static_url_path or "/static") + "/"
        self._engine = None

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        try:
            versions, minute = self._versions(), _minute()
        except sa.exc.SQLAlchemyError:  # the database is away: the app answers with its own error page
            return self.wsgi_app(environ, start_response)
        page = self.kept.get(key)
        if page is not None and page.minute == minute and _unchanged(page, versions):
            with self.lock:  # the least recently given goes first when the count is reached
                if key in self.kept:
                    self.kept.move_to_end(key)
            counts.hits += 1
            start_response(page.status, list(page.headers))
            return [page.body]
        counts.misses += 1
        return self._answer_and_keep(environ, start_response, key, versions, minute)

    def _key(self, environ) -> tuple | None:
        if environ["REQUEST_METHOD"] != "GET" or any(name in environ for name in _LEFT_TO_THE_APP):
            return None
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.static_prefix) or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
            return None
        return (environ["wsgi.url_scheme"], environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
                path, environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT_ENCODING", ""))

    def _versions(self) -> dict[str, int]:
        if self._engine is None:
            from app.extensions import db

            with self.flask_app.app_context():
                self._engine = db.engine
        with self._engine.connect() as connection:
            return current_versions(connection)

    def _answer_and_keep(self, environ, start_response, key, versions, minute):
        answered = {}

        def remember(status, headers, exc_info=None):
            answered.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        reading = set()
        token = tables_read.set(reading)
        try:
            body = self.wsgi_app(environ, remember)
            if not _shared(answered):  # streamed, personal or an error: as it comes
                return body
            try:
                content = b"".join(body)
            finally:
                if hasattr(body, "close"):
                    body.close()
        finally:
            tables_read.reset(token)
        read_versions = tuple((name, versions.get(name, 0)) for name in sorted(reading))
        with self.lock:
            self.kept[key] = KeptPage(read_versions, minute, answered["status"], answered["headers"], content)
            self.kept.move_to_end(key)
            while len(self.kept) > self.entries:
                self.kept.popitem(last=False)
        return [content]


def _minute() -> int:
    return int(utcnow().timestamp() // 60)


def _unchanged(page: KeptPage, versions: dict[str, int]) -> bool:
    return all(versions.get(name, 0) == version for name, version in page.versions)


def _shared(answered: dict) -> bool:
    """The app said this answer is the same for everyone (app/core/http_cache.py), set nothing, and
    it is whole and small (not a stream, not an export)."""
    if not answered.get("status", "").startswith("200"):
        return False
    headers = {name.lower(): value for name, value in answered["headers"]}
    length = headers.get("content-length", "")
    return ("public" in headers.get("cache-control", "") and "etag" in headers and "set-cookie" not in headers
            and length.isdigit() and int(length) <= _LARGEST_PAGE)


def install_page_cache(app) -> None:
    entries = app.config["JIWAR_PAGE_CACHE_ENTRIES"]
    if entries > 0:
        app.wsgi_app = PageCache(app.wsgi_app, app, entries)
