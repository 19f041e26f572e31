"""Per-connection settings: SQLite gets foreign keys, WAL and a busy timeout."""

import sqlalchemy as sa
from flask import Flask

from app.extensions import db


def configure_database(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
