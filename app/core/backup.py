"""Backups: SQLite's online backup API for the embedded database, pg_dump / pg_restore for PostgreSQL.

Both make a consistent copy while the app keeps serving. A restore replaces everything in the
database with the backup's content.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db


class BackupError(RuntimeError):
    pass


def backup_database(destination: Path) -> Path:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(url.database), destination)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(destination), _libpq_url(url)])
    return destination


def restore_database(source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    url = db.engine.url
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the old database open
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, Path(url.database))
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", _libpq_url(url), str(source)])


def _sqlite_copy(source: Path, destination: Path) -> None:
    with sqlite3.connect(source) as reader, sqlite3.connect(destination) as writer:
        reader.backup(writer)
    reader.close()
    writer.close()


def _libpq_url(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
