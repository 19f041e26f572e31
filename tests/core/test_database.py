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


def test_the_daily_command_refreshes_sqlites_planner_statistics(app, oujda):
    """Without statistics SQLite sorts the whole directory instead of reading its name index; the
    daily `apply-retention` gathers them. PostgreSQL gathers its own and is left alone."""
    from tests.factories.directory import make_service

    for n in range(3):
        make_service(oujda, name={"fr": f"Guichet {n}"})
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        db.session.execute(sa.text("ANALYZE sqlite_schema"))  # makes sqlite_stat1 if missing
        db.session.execute(sa.text("DELETE FROM sqlite_stat1"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jiwar", "apply-retention"])
    assert result.exit_code == 0, result.output
    if not sqlite:
        assert "ANALYZE" not in result.output
        return
    assert "SQLite's planner statistics refreshed (ANALYZE)." in result.output
    indexes = db.session.scalars(sa.text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'service'")).all()
    assert "ix_service_name_fr" in indexes
    dry = app.test_cli_runner().invoke(args=["jiwar", "apply-retention", "--dry-run"])
    assert "ANALYZE" not in dry.output  # a dry run changes nothing
