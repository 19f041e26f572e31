"""Counting the SQL a piece of code runs: pages must run the same number whatever the data size."""

import contextlib

import sqlalchemy as sa

from app.extensions import db

# Transaction bookkeeping, not reads (savepoints: tests/conftest.py runs most tests in one transaction).
_NOT_QUERIES = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK TO", "PRAGMA")


@contextlib.contextmanager
def count_queries():
    """with count_queries() as queries: ... ; len(queries) is the number of SQL statements run."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(_NOT_QUERIES):
            statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
