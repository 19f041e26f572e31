"""The connection pool and the data version's read: what a kept page costs the database, and a
connection that died while idle never reaching a page."""

import contextlib

import sqlalchemy as sa

from app.core import database
from app.extensions import db
from tests.factories import make_event


@contextlib.contextmanager
def engine_events(name: str):
    """with engine_events("begin") as seen: ... ; seen holds one entry per event."""
    seen: list[tuple] = []

    def listener(*args):
        seen.append(args)

    sa.event.listen(db.engine, name, listener)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, name, listener)


def _in_autocommit(statements: list[tuple]) -> list[bool]:
    """For each statement seen by before_cursor_execute: whether it ran outside a transaction."""
    return [connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
            for connection, *_rest in statements]


def test_a_kept_page_reads_the_data_version_outside_any_transaction(client, oujda):
    make_event(oujda, title="Atelier cuisine")
    client.get("/events")
    with engine_events("before_cursor_execute") as statements:
        page = client.get("/events")
    assert "Atelier cuisine" in page.text
    # One read, with no BEGIN and no ROLLBACK around it.
    assert _in_autocommit(statements) == [True]


def test_a_page_rendered_afresh_reads_the_data_version_first_then_its_data_in_a_transaction(
    client, oujda
):
    make_event(oujda, title="Atelier cuisine")
    with engine_events("before_cursor_execute") as statements:
        page = client.get("/events")
    assert "Atelier cuisine" in page.text
    modes = _in_autocommit(statements)
    reads = [(args[2].startswith("SELECT token FROM data_version"), autocommit)
             for args, autocommit in zip(statements, modes, strict=True)
             if not args[2].upper().startswith(("BEGIN", "PRAGMA"))]
    # The token is read before the page's data, so it is never newer than what the page shows.
    assert reads[0] == (True, True)
    assert len(reads) > 1 and all(read == (False, False) for read in reads[1:])


def test_a_connection_that_died_while_idle_is_replaced_before_a_page_uses_it(
    client, oujda, monkeypatch
):
    make_event(oujda, title="Atelier cuisine")
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0)  # every connection counts as idle
    real_ping = db.engine.dialect.do_ping
    pings = []

    def dead_once(dbapi_connection):
        pings.append(dbapi_connection)
        if len(pings) == 1:
            raise db.engine.dialect.loaded_dbapi.OperationalError("server closed the connection")
        return real_ping(dbapi_connection)

    monkeypatch.setattr(db.engine.dialect, "do_ping", dead_once)
    with engine_events("connect") as connected:
        page = client.get("/events")
    assert page.status_code == 200 and "Atelier cuisine" in page.text
    assert len(connected) == 1  # a new connection took the dead one's place
    assert len(pings) >= 2


def test_a_connection_back_in_the_pool_a_moment_ago_is_not_pinged(client, oujda, monkeypatch):
    make_event(oujda)
    client.get("/events")  # every connection the page uses has just come back
    pings = []
    monkeypatch.setattr(db.engine.dialect, "do_ping", pings.append)
    assert client.get("/events").status_code == 200
    assert pings == []
