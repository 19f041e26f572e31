"""The one transaction a test runs in, rolled back at its end (tests/conftest.py says which tests)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

from app.extensions import db


class SessionOnTheTestConnection(Session):
    """Flask-SQLAlchemy's session, except that a session bound to a connection (the test's, see
    `one_rolled_back_transaction`) uses it for every table instead of `db.engines[bind_key]`."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and isinstance(self.bind, sa.Connection):
            if threading.get_ident() != _test["thread"]:
                raise RuntimeError(
                    "a session used from another thread would share the test's connection: "
                    "mark the test `commits` (tests/conftest.py)"
                )
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


_test: dict = {"connection": None, "thread": None}


@contextmanager
def one_rolled_back_transaction() -> Iterator[None]:
    """The test's transaction: every session opened meanwhile joins it with a savepoint."""
    engine = db.engine
    factory = db.session.session_factory
    connection = engine.connect()
    outer = connection.begin()

    def refuse_another_connection(*_args):
        raise RuntimeError(
            "a second database connection would not see this test's rows: mark the test `commits` "
            "(tests/conftest.py) or use tests.transactions.database_connection()"
        )

    sa.event.listen(engine, "checkout", refuse_another_connection)
    _test.update(connection=connection, thread=threading.get_ident())
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        factory.configure(bind=None, join_transaction_mode="conditional_savepoint")
        _test.update(connection=None, thread=None)
        sa.event.remove(engine, "checkout", refuse_another_connection)
        outer.rollback()
        connection.close()


@contextmanager
def database_connection() -> Iterator[sa.Connection]:
    """A connection beside the app's sessions that sees what they committed and whose writes they
    see: the test's own inside a savepoint, or, for a test that commits for real, a new one whose
    transaction is committed at the end."""
    connection = _test["connection"]
    if connection is None:
        with db.engine.begin() as connection:
            yield connection
        return
    with connection.begin_nested():
        yield connection


@contextmanager
def undone_afterwards() -> Iterator[None]:
    """What is written inside is undone when it ends: a savepoint on the test's connection, rolled
    back (for a test that runs in one transaction). The test's own session ends its transaction
    before and after, and forgets what it had loaded: the rows read next are the ones from before."""
    connection = _test["connection"]
    if connection is None:
        raise RuntimeError("undone_afterwards() needs the test's one transaction (tests/conftest.py)")
    db.session.commit()
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()
