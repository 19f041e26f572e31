"""Test setup: one schema per run (from the models); each test's writes are undone after it.

The database is SQLite by default; set JIWAR_TEST_DB to a PostgreSQL URL to run the same suite there.
Each request from the test client runs in a fresh context of its own, as in production: its own
app context, `g` and database session, so a view that forgets to commit is caught.

How a test's rows go away (`app_context`, decided in one place: `commits_for_real`):

- Most tests run inside ONE transaction on ONE connection, rolled back when the test ends. Every
  session the app opens meanwhile (the test's own, and each request's) is bound to that connection
  and joins it through a SAVEPOINT (`join_transaction_mode="create_savepoint"`): a `commit()` releases
  the session's savepoint, a `rollback()` or a session closed without commit returns to it, so a view
  that forgets to commit still loses its writes. Flask-SQLAlchemy's Session.get_bind answers
  `db.engines[...]` whatever the session was bound to, hence tests/transactions.py's
  `SessionOnTheTestConnection`, whose get_bind answers the bound connection first (db.engine itself
  stays the real engine). On SQLite the outer transaction is the plain BEGIN of
  app/core/database.py's "begin" hook; savepoints need no more. Anything that would see the database
  apart from that connection fails loudly instead of reading another state: a second connection
  taken from the pool during the test, or a session used from another thread. A test reading or
  writing rows beside the app's sessions uses `tests.transactions.database_connection()`.
- Tests whose writes must really be committed, because something else than that connection reads
  them, run as before and every table is emptied after them (`empty_all_tables`): those marked
  `commits` (threads of tests/concurrency.py, `db.engine.connect()` in the test, BEGIN IMMEDIATE,
  subprocesses reading the database), the `postgres_only` concurrency proofs (row locks between
  connections), the browser tests and any test using a fixture of COMMITTING_FIXTURES (the live
  server's thread, `limited_client`'s second app and engine). None is skipped: they only cost more.
"""

import contextvars
import os

import pytest
from flask.testing import FlaskClient

import app.models  # noqa: F401 - the whole metadata
from app import create_app
from app.extensions import db, limiter
from config import TestConfig
from tests.transactions import SessionOnTheTestConnection, database_connection, one_rolled_back_transaction

LANGUAGES = ("fr", "ar", "en")


def names_a_language(path: str) -> bool:
    return path.split("?")[0].split("/")[1] in LANGUAGES or path.startswith("/static/")


class IsolatedClient(FlaskClient):
    """Tests may ask for a page without its language (`client.get("/events")`): like a browser, the
    client follows the app's own redirect into the visitor's language (their session's choice, then
    Accept-Language). A form posted to such an address goes where the app sends the visitor's `/`."""

    _depth = 0  # follow_redirects opens again from inside the request's own context

    def open(self, *args, **kwargs):
        path = args[0] if args and isinstance(args[0], str) else None
        method = kwargs.get("method", "GET").upper()
        if path is None or not path.startswith("/") or names_a_language(path):
            return self.open_as_sent(*args, **kwargs)
        if self._served_as_is(path, method):
            return self.open_as_sent(*args, **kwargs)
        if method not in ("GET", "HEAD"):
            # The body may be a stream that can be sent only once: ask first where `/` goes.
            home = self.open_as_sent("/", headers=kwargs.get("headers"))
            language = home.headers["Location"].split("/")[1]
            return self.open_as_sent(f"/{language}{path}", *args[1:], **kwargs)
        response = self.open_as_sent(*args, **kwargs)
        location = response.headers.get("Location", "")
        if response.status_code == 302 and location[1:3] in LANGUAGES and (
            location.split("?")[0][3:] == path.split("?")[0]
        ):
            response = self.open_as_sent(f"{location[:3]}{path}", *args[1:], **kwargs)
        return response

    def _served_as_is(self, path: str, method: str) -> bool:
        """An address without a language that the app serves itself (the gateways' webhooks)."""
        from werkzeug.exceptions import NotFound

        try:
            self.application.url_map.bind("").match(path.split("?")[0], method=method)
        except NotFound:
            return False
        except Exception:  # noqa: BLE001 - a redirect or another method: the rule is there
            return True
        return True

    def open_as_sent(self, *args, **kwargs):
        """The request as it is, without following the language redirect (tests of that redirect)."""
        if self._depth == 0:
            # Whatever the test's session read is not the request's business (it has its own
            # session); ending it here also keeps the test's savepoint from enclosing the request's.
            db.session.rollback()
        self._depth += 1
        try:
            response = contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            self._depth -= 1
        if self._depth == 0:
            # The test's own session ends its transaction and forgets its objects: on SQLite (WAL)
            # it would otherwise keep reading the snapshot it took before the request wrote.
            db.session.rollback()
        return response

    def session_transaction(self, *args, **kwargs):
        return super().session_transaction(*args, **kwargs)


def pytest_collection_modifyitems(config, items):
    """Concurrency proofs need PostgreSQL's row locks: on SQLite they are not collected at all (the
    PostgreSQL run of `make test` runs them), so no skipped test is ever counted as a pass. The
    same for the Redis rate-limit storage, run when TEST_REDIS_URL names a server."""
    if not os.environ.get("TEST_REDIS_URL"):  # .ci/run sets it: the shared rate-limit storage
        kept = [item for item in items if item.get_closest_marker("redis") is None]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    if TestConfig.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


# A test using one of these needs its rows committed: another thread or engine reads them.
COMMITTING_FIXTURES = frozenset({"live_server", "limited_client"})


def commits_for_real(item: pytest.Item) -> bool:
    """The one place deciding which tests commit for real and are cleaned by DELETE (see above)."""
    return (
        any(item.get_closest_marker(name) is not None for name in ("commits", "postgres_only", "browser"))
        or not COMMITTING_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(scope="session")
def app():
    flask_app = create_app(TestConfig)
    flask_app.test_client_class = IsolatedClient
    # db.session's factory (one per process, shared by every app) makes the sessions above; bound to
    # nothing they are Flask-SQLAlchemy's own.
    db.session.session_factory.class_ = SessionOnTheTestConnection
    with flask_app.app_context():
        db.drop_all()
        db.create_all()
    yield flask_app
    with flask_app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def app_context(app, request):
    if commits_for_real(request.node):
        with app.app_context():
            yield
            db.session.remove()
            empty_all_tables()
        return
    with app.app_context(), one_rolled_back_transaction():
        yield


def empty_all_tables() -> None:
    """Children first. DELETE, not TRUNCATE, on PostgreSQL too: a test leaves a few rows, and
    truncating every table took about 0.1 s a test (a DELETE of them all, 0.01 s). Ids are not
    restarted: tests take ids from the rows they make. Inside a test that runs in one transaction,
    the DELETEs are made in it (tests starting their world afresh)."""
    with database_connection() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


class RateLimitedConfig(TestConfig):
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    JIWAR_SIGN_IN_LIMIT_PER_ACCOUNT = "3 per minute;5 per hour"
    JIWAR_SIGN_IN_LIMIT_PER_CLIENT = "6 per minute"
    JIWAR_SIGN_UP_LIMIT_PER_CLIENT = "3 per hour"
    JIWAR_RESET_LIMIT_PER_CLIENT = "3 per minute"
    JIWAR_COMMENT_LIMIT_PER_ACCOUNT = "2 per hour"
    JIWAR_REPORT_LIMIT_PER_ACCOUNT = "2 per hour"
    JIWAR_PROPOSAL_LIMIT_PER_ACCOUNT = "2 per hour"
    JIWAR_DESK_LIMIT_PER_ACCOUNT = "2 per hour"
    JIWAR_DESK_CHECK_LIMIT_PER_ACCOUNT = "2 per hour"


@pytest.fixture
def another_app():
    """Makes apps of other settings (production's, CSRF on) on the suite's database; their engines'
    connections are closed when the test ends, never left open to the garbage collector."""
    made = []

    def make(config):
        made.append(create_app(config))
        return made[-1]

    yield make
    for made_app in made:
        with made_app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def limited_client(app, another_app, request):
    """A client of a second app, on the same database, whose rate limits are on (fresh counters).
    Indirect parametrisation may name another config (the Redis storage)."""
    limited_app = another_app(getattr(request, "param", RateLimitedConfig))
    limited_app.test_client_class = IsolatedClient
    client = limited_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    yield client
    # The limiter object is shared: switch it off again for every other test's app.
    limiter.enabled = False


@pytest.fixture(scope="session")
def s3_server():
    """A real local S3 endpoint (moto's server), started once for the run when a test asks for it."""
    from tests.s3 import S3Server

    server = S3Server()
    yield server
    server.stop()


@pytest.fixture(params=["local", "s3"])
def photo_storage(request, app):
    """The upload tests run on both storages: the folder (the default) and a fresh S3 bucket."""
    from app.core.storage import LocalStorage, S3Storage

    kept = app.extensions["jiwar_storage"]
    if request.param == "s3":
        app.extensions["jiwar_storage"] = S3Storage(request.getfixturevalue("s3_server").new_bucket())
    else:  # an empty folder of its own, so a test sees exactly the files it made
        app.extensions["jiwar_storage"] = LocalStorage(request.getfixturevalue("tmp_path") / "uploads")
    yield app.extensions["jiwar_storage"]
    app.extensions["jiwar_storage"] = kept


@pytest.fixture
def client(app):
    """A visitor whose browser asks for English, so assertions read the msgids; tests of French
    and Arabic pages say so with their own Accept-Language header or the language switch."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def oujda():
    from tests.factories import make_municipality

    return make_municipality("oujda")


@pytest.fixture
def la_marsa():
    from tests.factories import make_municipality

    return make_municipality("la-marsa")


@pytest.fixture
def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def sign_in_as(client: FlaskClient, user) -> FlaskClient:
    """Put `user` in the client's session the way Flask-Login does after a successful sign-in."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client
