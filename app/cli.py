"""`flask jiwar ...`: administrators' tasks. Each domain adds its commands in its own cli module. The
benchmark data generator is bench's own (`python -m bench.generate`): the app never imports bench/."""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.accounts.cli import create_admin_command
from app.directory.cli import directory_export_command, directory_import_command
from app.messages.cli import reminders_command, worker_command

jiwar_cli = AppGroup("jiwar", help="Jiwar administration tasks.")
jiwar_cli.add_command(create_admin_command)
jiwar_cli.add_command(worker_command)
jiwar_cli.add_command(reminders_command)


@jiwar_cli.command("seed-demo")
def seed_demo_command():
    """Load the demo municipalities, accounts, events and proposals (running it twice changes nothing)."""
    from flask import current_app

    from app.demo import seed_demo

    if current_app.config.get("SESSION_COOKIE_SECURE"):  # the production settings
        # The demo accounts' password is printed in the README: never in a real deployment.
        raise click.ClickException("seed-demo is refused with the production settings (JIWAR_CONFIG).")

    for line in seed_demo():
        click.echo(line)


@jiwar_cli.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(destination: Path):
    """Write a consistent copy of the database to DESTINATION while the app keeps serving."""
    from app.core.backup import backup_database

    backup_database(destination)
    click.echo(f"Backup written to {destination}")


@jiwar_cli.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.confirmation_option(prompt="This replaces everything in the database with the backup. Continue?")
def restore_command(source: Path):
    """Replace the database's content with the backup at SOURCE (stop the app first)."""
    from app.core.backup import restore_database

    restore_database(source)
    click.echo(f"Database restored from {source}")


@jiwar_cli.command("rebuild-rollups")
def rebuild_rollups_command():
    """Recompute the attendance tally and the programme roll-ups reports count from (after a bulk load)."""
    from app.events import tally
    from app.extensions import db

    rows = tally.rebuild()
    db.session.commit()
    click.echo(f"Attendance tally rebuilt: {rows} rows (person x event), and the programme roll-ups from it.")


@jiwar_cli.command("check-rollups")
def check_rollups_command():
    """Compare the attendance tally and the programme roll-ups reports count from with a rebuild from
    the attendances, changing nothing; exit status 1 when they differ (then run rebuild-rollups)."""
    from app.reports import rollups

    off = rollups.rows_off_a_rebuild()
    for table, rows in off.items():
        click.echo(f"{table}: {rows} rows differ from a rebuild")
    if any(off.values()):
        raise SystemExit(1)
    click.echo("The tally and the roll-ups are in step with the attendances.")


@jiwar_cli.command("apply-retention")
@click.option("--dry-run", is_flag=True, help="Only count the card holders whose phone is due for erasure.")
def apply_retention_command(dry_run: bool):
    """Erase the shared phone of card holders inactive for JIWAR_CARD_HOLDER_RETENTION_DAYS, accounts
    left unconfirmed for JIWAR_UNCONFIRMED_HOURS, and the door's receipts of events ended
    JIWAR_DOOR_RECEIPT_DAYS ago; on SQLite, refresh the planner's statistics (run daily, or hourly)."""
    from flask import current_app

    from app.core.database import refresh_planner_statistics
    from app.core.time import utcnow
    from app.privacy.retention import apply_retention, erase_unconfirmed_accounts, purge_door_receipts

    days = current_app.config["JIWAR_CARD_HOLDER_RETENTION_DAYS"]
    count = apply_retention(days, dry_run=dry_run)
    noun = "card holder" if count == 1 else "card holders"
    if dry_run:
        click.echo(f"{count} {noun} inactive for more than {days} days would have their phone erased.")
    else:
        click.echo(f"Phone erased for {count} {noun} inactive for more than {days} days.")
    hours = current_app.config["JIWAR_UNCONFIRMED_HOURS"]
    erased = erase_unconfirmed_accounts(utcnow(), hours, dry_run=dry_run)
    verb = "would be erased" if dry_run else "erased"
    click.echo(f"{erased} account(s) unconfirmed after {hours} hours {verb}.")
    receipt_days = current_app.config["JIWAR_DOOR_RECEIPT_DAYS"]
    purged = purge_door_receipts(utcnow(), receipt_days, dry_run=dry_run)
    verb = "would be deleted" if dry_run else "deleted"
    click.echo(f"{purged} door receipt(s) of events ended more than {receipt_days} days ago {verb}.")
    if not dry_run and refresh_planner_statistics():
        click.echo("SQLite's planner statistics refreshed (ANALYZE).")


jiwar_cli.add_command(directory_export_command)
jiwar_cli.add_command(directory_import_command)
