"""`flask jiwar directory-export` and `directory-import`: the HSDS exchange from the command line."""

from pathlib import Path

import click
import sqlalchemy as sa

from app.accounts.models import Municipality, User
from app.directory import hsds
from app.extensions import db


@click.command("directory-export")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def directory_export_command(destination: Path):
    """Write the public entries as HSDS: JSON, or a zip of CSV files when DESTINATION ends in .zip."""
    entries = hsds.public_entries()
    raw = hsds.export_csv_zip(entries) if destination.suffix == ".zip" else hsds.export_json(entries)
    destination.write_bytes(raw)
    click.echo(f"{len(entries)} public entries written to {destination}")


@click.command("directory-import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--municipality", "slug", required=True, help="slug of the municipality the entries belong to")
@click.option("--admin", "email", required=True, help="email of the administrator recorded as importing")
def directory_import_command(source: Path, slug: str, email: str):
    """Check an HSDS file (JSON, or a zip of CSV files) whole, then import it in one transaction."""
    municipality = db.session.scalar(sa.select(Municipality).filter_by(slug=slug))
    actor = db.session.scalar(sa.select(User).filter_by(email=email))
    if municipality is None or actor is None:
        raise click.ClickException("No such municipality or account.")
    try:
        count = hsds.import_services(actor, source.read_bytes(), source.name, municipality.id)
    except hsds.ImportRefused as refused:
        for error in refused.errors:
            click.echo(f"{error.row}\t{error.field}\t{error.reason}", err=True)
        raise click.ClickException(f"{len(refused.errors)} errors: nothing was imported.") from None
    click.echo(f"{count} entries imported into {municipality.name_fr}")
