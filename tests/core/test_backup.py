"""A backup restores every row, on SQLite (backup API) and on PostgreSQL (pg_dump / pg_restore)."""

import pytest
import sqlalchemy as sa

from app.cli import jiwar_cli
from app.extensions import db
from tests.factories import (
    make_call,
    make_event,
    make_municipality,
    make_proposal,
    make_registration,
    make_user,
)


def _row_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


@pytest.mark.commits  # the backup (SQLite backup API, pg_dump) reads what is committed
def test_restoring_a_backup_brings_back_every_row(app, tmp_path):
    oujda = make_municipality("oujda")
    person = make_user("Aïcha", phone="+212600000001")
    make_registration(make_event(oujda, capacity=10), person.participant)
    make_proposal(make_call(oujda), person, title="Fresque du quartier")
    before = _row_counts()
    backup = tmp_path / "jiwar.backup"

    runner = app.test_cli_runner()
    result = runner.invoke(jiwar_cli, ["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0

    db.session.remove()
    with db.engine.begin() as connection:  # lose data after the backup
        connection.execute(sa.text("DELETE FROM registration"))
    assert _row_counts()["registration"] == 0

    result = runner.invoke(jiwar_cli, ["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    assert _row_counts() == before
    assert db.session.scalar(sa.text("SELECT display_name FROM participant")) == "Aïcha"


def test_restore_refuses_a_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(jiwar_cli, ["restore", "--yes", str(tmp_path / "none")])
    assert result.exit_code != 0
    assert "does not exist" in result.output
