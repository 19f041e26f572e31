"""The app refuses to serve a database whose migrations are not at head, and says what to run."""

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class SchemaNotCurrent(RuntimeError):
    pass


def migration_heads() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())


def database_revisions() -> set[str]:
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def ensure_schema_is_current() -> None:
    """Raise SchemaNotCurrent unless the database is at the latest migration (needs an app context)."""
    current, heads = database_revisions(), migration_heads()
    if current != heads:
        raise SchemaNotCurrent(
            f"The database is at migration {', '.join(sorted(current)) or 'none'} but the code needs "
            f"{', '.join(sorted(heads))}. Run `flask db upgrade` (with the same DATABASE_URL) first."
        )
