"""The app refuses to serve a database whose migrations are not at head, and says what to run.

Read without Alembic: a web worker never migrates, and Alembic with Flask-Migrate is about 10 MB of
every worker's memory (python -m bench.memory). The heads are the revisions no other revision names
as its parent, read from the files' own `revision` and `down_revision` (tests/core/test_schema.py
holds this to Alembic's answer); the database's are the rows of `alembic_version`.
"""

import ast
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class SchemaNotCurrent(RuntimeError):
    pass


def _revision_and_parents(path: Path) -> tuple[str, set[str]]:
    found = {}
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    found[target.id] = ast.literal_eval(statement.value)
    parents = found.get("down_revision") or ()
    return found["revision"], {parents} if isinstance(parents, str) else set(parents)


def migration_heads() -> set[str]:
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        revision, its_parents = _revision_and_parents(path)
        revisions.add(revision)
        parents |= its_parents
    return revisions - parents


def database_revisions() -> set[str]:
    with db.engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return set()
        return set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def ensure_schema_is_current() -> None:
    """Raise SchemaNotCurrent unless the database is at the latest migration (needs an app context)."""
    current, heads = database_revisions(), migration_heads()
    if current != heads:
        raise SchemaNotCurrent(
            f"The database is at migration {', '.join(sorted(current)) or 'none'} but the code needs "
            f"{', '.join(sorted(heads))}. Run `flask db upgrade` (with the same DATABASE_URL) first."
        )
