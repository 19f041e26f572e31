"""Helpers of the events tests: counting queries, and the usual people."""

import contextlib

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.conftest import IsolatedClient
from tests.factories import make_municipality, make_organiser, make_user


@contextlib.contextmanager
def count_queries():
    """Counts the SQL statements sent while the block runs (every connection of the engine)."""
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


class FreshReadClient(IsolatedClient):
    """After each request the test's own session ends its transaction, so on SQLite (WAL) it does
    not keep reading the snapshot it took before the request wrote."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


@pytest.fixture
def client(app):
    test_client = FreshReadClient(app, app.response_class, use_cookies=True)
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def oujda():
    return make_municipality("oujda")


@pytest.fixture
def la_marsa():
    return make_municipality("la-marsa")


@pytest.fixture
def organiser(oujda):
    return make_organiser(oujda, display_name="Youssef")


@pytest.fixture
def resident():
    return make_user("Fatou")
