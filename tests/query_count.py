"""Counting the SQL a piece of code runs: pages must run the same number whatever the data size."""

import contextlib

import sqlalchemy as sa

from app.core import fragments
from app.extensions import db

_NOT_QUERIES = ("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")  # transaction bookkeeping, not reads


def forget_kept_pages() -> None:
    """The next request renders afresh: the pages, reports and personal pages workers keep are
    emptied (a kept answer runs one query whatever the page, which would prove nothing)."""
    from app.core import fragments, kept_pages

    fragments.cache.clear()
    fragments.figures.clear()
    kept_pages.cache.clear()


@contextlib.contextmanager
def count_queries():
    """with count_queries() as queries: ... ; len(queries) is the number of SQL statements run."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(_NOT_QUERIES):
            statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    fragments.data_version_readers.append(statements.append)  # read past SQLAlchemy's events
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
        fragments.data_version_readers.remove(statements.append)
