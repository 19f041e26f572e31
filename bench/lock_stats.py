"""gunicorn config for the registration rush (`python -m bench.cluster`): each worker times the event
row lock of app/events/services/locking.py, how long a request waited for it (the SELECT ... FOR
UPDATE) and how long it held it (from getting it to the end of COMMIT), and writes them as it exits.
The app never imports this; bench/cluster.py reads the files."""

import json
import os
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, default

WAITS: list[float] = []
HOLDS: list[float] = []
_HELD_SINCE: dict[int, float] = {}  # pooled connection -> when it got the event's row lock


def _is_event_lock(statement: str) -> bool:
    return "FOR UPDATE" in statement and "FROM event " in statement


@event.listens_for(Engine, "before_cursor_execute")
def _asked(conn, _cursor, statement, _parameters, _context, _executemany):
    if _is_event_lock(statement):
        conn.info["jiwar_lock_asked"] = time.perf_counter()


@event.listens_for(Engine, "after_cursor_execute")
def _got(conn, _cursor, statement, _parameters, _context, _executemany):
    asked = conn.info.pop("jiwar_lock_asked", None)
    if asked is not None:
        now = time.perf_counter()
        WAITS.append(now - asked)
        _HELD_SINCE.setdefault(id(conn.connection), now)


_commit, _rollback = default.DefaultDialect.do_commit, default.DefaultDialect.do_rollback


def _do_commit(self, dbapi_connection):
    # SQLAlchemy hands the dialect the pooled connection (Connection.connection), the key kept above.
    _commit(self, dbapi_connection)  # the lock is released when COMMIT returns
    held = _HELD_SINCE.pop(id(dbapi_connection), None)
    if held is not None:
        HOLDS.append(time.perf_counter() - held)


def _do_rollback(self, dbapi_connection):
    _rollback(self, dbapi_connection)
    _HELD_SINCE.pop(id(dbapi_connection), None)


default.DefaultDialect.do_commit = _do_commit
default.DefaultDialect.do_rollback = _do_rollback


def worker_exit(_server, worker) -> None:
    folder = os.environ.get("JIWAR_LOCK_STATS_DIR")
    if folder:
        Path(folder, f"{worker.pid}.json").write_text(json.dumps({"waits": WAITS, "holds": HOLDS}))
