"""Per-connection settings: SQLite gets foreign keys, WAL, a busy timeout and immediate writes; every
writing transaction bumps the data version (app/core/fragments.py)."""

import sqlalchemy as sa
from flask import Flask, has_request_context, request

from app.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_database(app: Flask) -> None:
    from app.core.fragments import install_data_version

    with app.app_context():
        engine = db.engine
    install_data_version(engine)
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
