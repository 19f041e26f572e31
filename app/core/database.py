"""Per-connection settings: SQLite gets foreign keys, WAL, a busy timeout and immediate writes; idle
pooled connections are checked before they are lent."""

import time

import sqlalchemy as sa
from flask import Flask, has_request_context, request

from app.core.table_versions import track_table_versions
from app.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A pooled connection unused for this long is asked whether it is still alive before it is lent.
PING_AFTER_IDLE_SECONDS = 10
_RETURNED_AT = "jiwar_returned_at"


def configure_database(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    ping_after_idle(engine)
    track_table_versions(engine)
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # pysqlite's own transaction handling is switched off so that "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        # A request that may write takes the write lock when its transaction starts, so it waits
        # its turn (busy_timeout) instead of failing with "database is locked" when another worker
        # wrote since it first read. Pages that only read stay concurrent; so do commands and tests,
        # which run in one process.
        if has_request_context() and request.method not in SAFE_METHODS:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def ping_after_idle(engine: sa.Engine) -> None:
    """What pool_pre_ping does, but only for a connection that has been idle: pinging at every
    checkout is a round trip more for every request, as dear as a small page's own query. A
    database restarted while connections were in use fails a request on each; each is then
    replaced."""

    @sa.event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record):
        record.info[_RETURNED_AT] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is not None and time.monotonic() - returned_at < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool throws this connection away and lends a new one.
            raise sa.exc.DisconnectionError from error


def refresh_planner_statistics() -> bool:
    """SQLite chooses indexes from statistics it gathers only when asked (ANALYZE): without them the
    directory's list sorts every entry instead of reading its name index. Run by the daily
    `flask jiwar apply-retention` (half a second on the benchmark's large data set). PostgreSQL
    gathers its own (autovacuum): False, nothing done."""
    if db.engine.dialect.name != "sqlite":
        return False
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return True
