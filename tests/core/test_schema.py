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


# SQLite's reflection cannot read an index on an expression (the directory's name indexes); the
# comparison skips them there, and PostgreSQL's compares them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
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


@pytest.mark.commits
def test_texts_written_before_three_languages_move_into_their_own_language(empty_database_url):
    """A call, its categories, an answer, a programme and a target written in one column each: after
    the migration, Arabic text is under `_ar`, French under `_fr`; going down keeps the first written."""
    from flask_migrate import downgrade

    from tests.factories import make_call, make_municipality, make_programme, make_proposal, make_target

    migrator = create_app(_config_for(empty_database_url, check=False))
    directory = os.path.join(migrator.root_path, "..", "migrations")
    with migrator.app_context():
        upgrade(directory=directory)
        oujda = make_municipality("oujda")
        call = make_call(oujda, title="Vivre ensemble", description="Des projets pour le quartier.")
        proposal = make_proposal(call, None, answer_text_ar="ستُنشأ الحديقة في الربيع.")
        programme = make_programme([oujda], name="برنامج العيش المشترك", description="Cohésion sociale")
        make_target(programme, title="Personnes touchées")
        ids = {"proposal": proposal.id}
        db.session.remove()
        downgrade(directory=directory, revision="b9b1201d2156")  # the revision before this one
        with db.engine.connect() as connection:
            old = connection.execute(sa.text("SELECT answer_text FROM proposal")).scalar_one()
            assert old == "ستُنشأ الحديقة في الربيع."
            name = connection.execute(sa.text("SELECT name FROM programme")).scalar_one()
            assert name == "برنامج العيش المشترك"
            connection.execute(sa.text("UPDATE proposal_call SET title = 'دعوة المشاريع'"))
            connection.commit()
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            def row(sql):
                return tuple(connection.execute(sa.text(sql)).one())

            assert row("SELECT title_fr, title_ar, title_en, description_fr FROM proposal_call") == (
                None, "دعوة المشاريع", None, "Des projets pour le quartier."
            )
            first_category = row("SELECT name_fr, name_ar FROM proposal_category WHERE position = 0")
            assert first_category == ("Culture", None)
            answer = row(f"SELECT answer_text_fr, answer_text_ar FROM proposal WHERE id = {ids['proposal']}")
            assert answer == (None, "ستُنشأ الحديقة في الربيع.")
            assert row("SELECT name_fr, name_ar, description_fr FROM programme") == (
                None, "برنامج العيش المشترك", "Cohésion sociale"
            )
            assert row("SELECT title_fr, title_ar FROM target") == ("Personnes touchées", None)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.commits
def test_venues_addresses_and_costs_written_in_one_column_move_into_their_own_language(empty_database_url):
    """An event's venue and an entry's address and cost, one column each before d8a4f2c61e53: French
    text goes under `_fr`, Arabic under `_ar`; going down keeps the first language written."""
    from flask_migrate import downgrade

    from tests.factories import make_event, make_municipality, make_service

    migrator = create_app(_config_for(empty_database_url, check=False))
    directory = os.path.join(migrator.root_path, "..", "migrations")
    with migrator.app_context():
        upgrade(directory=directory)
        oujda = make_municipality("oujda")
        make_event(oujda, venue={"ar": "دار الشباب", "en": "Youth centre"})
        make_service(oujda, address={"fr": "12 rue de la Paix", "ar": "12 زنقة السلام"},
                     is_free=False, cost_note={"en": "10 dirhams"})
        db.session.remove()
        downgrade(directory=directory, revision="b5e2c9d4a7f1")  # the revision before this one
        with db.engine.connect() as connection:
            def row(sql):
                return tuple(connection.execute(sa.text(sql)).one())

            assert row("SELECT venue FROM event") == ("دار الشباب",)
            assert row("SELECT address, cost_note FROM service") == ("12 rue de la Paix", "10 dirhams")
            connection.execute(sa.text("UPDATE service SET cost_note = '10 دراهم'"))
            connection.commit()
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            assert row("SELECT venue_fr, venue_ar, venue_en FROM event") == (None, "دار الشباب", None)
            columns = "address_fr, address_ar, address_en, cost_note_fr, cost_note_ar"
            service = row(f"SELECT {columns} FROM service")
            assert service == ("12 rue de la Paix", "", "", "", "10 دراهم")
        db.session.remove()
        db.engine.dispose()


def test_the_heads_a_server_checks_are_alembics():
    """The start-up check reads the migrations' files itself (a worker does without Alembic)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.core.schema import MIGRATIONS, migration_heads

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert migration_heads() == set(ScriptDirectory.from_config(config).get_heads())


def test_a_web_worker_does_without_alembic_and_flask_db_still_migrates(empty_database_url):
    import subprocess
    import sys

    from app import ROOT

    migrator = create_app(_config_for(empty_database_url, check=False))
    with migrator.app_context():
        upgrade(directory=os.path.join(migrator.root_path, "..", "migrations"))
        db.engine.dispose()
    env = {**os.environ, "DATABASE_URL": empty_database_url, "JIWAR_CONFIG": "development",
           "FLASK_APP": "wsgi.py"}
    worker = subprocess.run(
        [sys.executable, "-c", "import sys, wsgi; print(sorted({m.split('.')[0] for m in sys.modules} "
         "& {'alembic', 'flask_migrate'}))"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )
    assert worker.stdout.strip() == "[]"
    current = subprocess.run([os.path.join(os.path.dirname(sys.executable), "flask"), "db", "current"],
                             cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    from app.core.schema import migration_heads

    assert current.stdout.split()[0] in migration_heads() and "(head)" in current.stdout


@pytest.mark.commits
def test_the_sex_and_age_totals_are_filled_for_people_counted_before_them(empty_database_url):
    """The migration that added kind "y" to the programme totals fills it from the person rows with
    what the app keeps in step afterwards: the same rows, going down and up again."""
    from flask_migrate import downgrade

    from app.reports.models import ProgrammeCell
    from tests.reports.dataset import build_dataset

    migrator = create_app(_config_for(empty_database_url, check=False))
    directory = os.path.join(migrator.root_path, "..", "migrations")
    by_age = sa.select(ProgrammeCell.__table__).where(ProgrammeCell.kind == "y")
    with migrator.app_context():
        upgrade(directory=directory)
        build_dataset()
        db.session.commit()
        kept = sorted(map(tuple, db.session.execute(by_age)))
        assert len(kept) > 4 and {row.municipality_id for row in db.session.execute(by_age)} != {0}
        db.session.remove()
        downgrade(directory=directory, revision="c7d1e5a9b3f2")
        assert db.session.execute(by_age).all() == []
        db.session.remove()
        upgrade(directory=directory)
        assert sorted(map(tuple, db.session.execute(by_age))) == kept
        db.session.remove()
        db.engine.dispose()
