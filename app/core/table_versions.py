"""Every table's version: a number that grows, in the same transaction, whenever a row of it is
written and committed. A page kept by app/core/page_cache.py remembers the versions of the tables
its queries named; while they are the same, what it read is the same.

Writes are recognised in the SQL itself (INSERT INTO t, UPDATE t, DELETE FROM t), so the ORM's
flushes, Core statements and text() alike count. Just before the transaction commits, the written
tables' rows are bumped by one statement, in name order: two transactions never wait on each
other's version rows in a cycle, and a version row is locked only between that statement and the
commit. A rollback forgets what was written. Alembic's transactions are left alone (the table may
not exist yet in the middle of an upgrade); app servers restart after one, and a kept page lives a
minute at most whatever happens.
"""

import re
from contextvars import ContextVar
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

_WRITTEN = "jiwar_written_tables"
_MIGRATING = "jiwar_migrating"
_WRITE = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
_MIGRATION = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?alembic_version\b", re.IGNORECASE)
# The tables whose names the statements of the current request named (app/core/page_cache.py).
tables_read: ContextVar[set[str] | None] = ContextVar("jiwar_tables_read", default=None)


class TableVersion(db.Model):
    table_name: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)


def _app_tables() -> frozenset[str]:
    return frozenset(db.metadata.tables) - {TableVersion.__tablename__}


@lru_cache(maxsize=1)
def _table_name_pattern(tables: frozenset[str]) -> re.Pattern:
    # Longest first, so that "event_type" is not read as "event".
    names = "|".join(sorted(map(re.escape, tables), key=len, reverse=True))
    return re.compile(rf"\b({names})\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def tables_named(statement: str) -> frozenset[str]:
    """Every app table whose name appears as a word in `statement` (an alias or a column of the same
    name counts too: a table too many only costs a kept page sooner)."""
    found = _table_name_pattern(_app_tables()).findall(statement)
    return frozenset(name.lower() for name in found)


@lru_cache(maxsize=4096)
def tables_written(statement: str) -> frozenset[str]:
    written = {match.lower() for match in _WRITE.findall(statement)}
    return frozenset(written & _app_tables())


_EXISTS = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'table_version'",
    "postgresql": "SELECT count(*) FROM pg_class WHERE relname = 'table_version' AND relkind = 'r' "
                  "AND pg_table_is_visible(oid)",
}


def _forget(info: dict) -> None:
    info.pop(_WRITTEN, None)
    info.pop(_MIGRATING, None)


def track_table_versions(engine: sa.Engine) -> None:
    # Whether the table exists: asked once, and again after any statement naming it that is not a
    # read (a migration creating or dropping it). `flask` commands and tests work on older schemas too.
    table = {"exists": None}

    def note_statement(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        reading = tables_read.get()
        if reading is not None:
            reading.update(tables_named(statement))
        written = tables_written(statement)
        if written:
            connection.info.setdefault(_WRITTEN, set()).update(written)
        elif "alembic_version" in statement and _MIGRATION.search(statement):
            connection.info[_MIGRATING] = True
        if "table_version" in statement and not statement.startswith("SELECT"):
            table["exists"] = None

    def bump_before_commit(connection) -> None:
        written = connection.info.pop(_WRITTEN, None)
        if connection.info.pop(_MIGRATING, False) or not written:
            return
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            if table["exists"] is None:
                cursor.execute(_EXISTS[engine.dialect.name])
                table["exists"] = cursor.fetchone()[0] == 1
            if table["exists"]:
                # Names come from the metadata, never from a request: safe to write into the statement.
                values = ", ".join(f"('{name}', 1)" for name in sorted(written))
                cursor.execute(
                    f"INSERT INTO table_version (table_name, version) VALUES {values} "  # noqa: S608
                    "ON CONFLICT (table_name) DO UPDATE SET version = table_version.version + 1"
                )
        finally:
            cursor.close()

    def forget(connection) -> None:
        _forget(connection.info)

    def forget_on_reset(dbapi_connection, connection_record, reset_state) -> None:  # noqa: ARG001
        # A connection given back to the pool without commit or rollback is rolled back by the pool.
        _forget(connection_record.info)

    sa.event.listen(engine, "before_cursor_execute", note_statement)
    sa.event.listen(engine, "commit", bump_before_commit)
    sa.event.listen(engine, "rollback", forget)
    sa.event.listen(engine, "reset", forget_on_reset)


def current_versions(connection: sa.Connection) -> dict[str, int]:
    rows = connection.exec_driver_sql("SELECT table_name, version FROM table_version")
    return dict(rows.all())
