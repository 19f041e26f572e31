"""The connection pool: a connection that died while idle never reaching a page."""

import contextlib

import pytest
import sqlalchemy as sa

from app.core import database
from app.extensions import db
from tests.factories import make_event

pytestmark = pytest.mark.commits  # the pool's own connections, each request checking one out


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
