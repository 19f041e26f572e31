"""Migrations build the schema the models describe, and a server refuses a database behind them."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.core.schema import SchemaNotCurrent
from app.extensions import db
from config import TestConfig


@pytest.fixture
def empty_database_url(tmp_path):
    """A new, empty database of the same kind as the suite's (SQLite file or PostgreSQL database)."""
    url = sa.make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"jiwar_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


def _config_for(url: str, check: bool):
    settings = {"SQLALCHEMY_DATABASE_URI": url, "JIWAR_CHECK_MIGRATIONS": check}
    return type("FreshConfig", (TestConfig,), settings)


def test_a_server_refuses_to_start_until_the_database_is_migrated(empty_database_url):
    with pytest.raises(SchemaNotCurrent, match="flask db upgrade"):
        create_app(_config_for(empty_database_url, check=True))

    migrator = create_app(_config_for(empty_database_url, check=False))
    with migrator.app_context():
        upgrade(directory=os.path.join(migrator.root_path, "..", "migrations"))
        db.engine.dispose()

    create_app(_config_for(empty_database_url, check=True))  # now starts


def test_migrations_at_head_match_the_models(empty_database_url):
    migrator = create_app(_config_for(empty_database_url, check=False))
    with migrator.app_context():
        upgrade(directory=os.path.join(migrator.root_path, "..", "migrations"))
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert differences == [], "run `flask db migrate -m '...'` and commit the revision"


@pytest.mark.commits
def test_a_database_holding_people_and_attendances_migrates_down_and_up_again(empty_database_url):
    """SQLite rebuilds a table to alter it (batch mode): with rows pointing at it (attendances at a
    session, a card at a person) that needs foreign keys off during the migration (migrations/env.py)
    and nothing left pointing nowhere after it."""
    from flask_migrate import downgrade

    from app.events.models import Attendance
    from tests.factories import make_attendance, make_event, make_municipality, make_user

    migrator = create_app(_config_for(empty_database_url, check=False))
    directory = os.path.join(migrator.root_path, "..", "migrations")
    with migrator.app_context():
        upgrade(directory=directory)
        person = make_user("Amina")
        event = make_event(make_municipality("oujda"))
        make_attendance(event.sessions[0], person.participant)
        db.session.remove()
        downgrade(directory=directory, revision="9bf96b651984")  # before this stop's migrations
        upgrade(directory=directory)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1
        db.session.remove()
        db.engine.dispose()
