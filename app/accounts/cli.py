"""`flask jiwar create-admin`: the first administrator of a new installation (app/cli.py adds it to
the `flask jiwar` group: accounts never import the wiring above them)."""

import click


@click.command("create-admin")
@click.option("--email", default="", help="Email address of the administrator.")
@click.option("--phone", default="", help="Phone number (international form, or local to --region).")
@click.option("--region", default="MA", show_default=True, help="Country for a local phone number.")
@click.option("--name", "display_name", required=True, help="Name shown to other people.")
@click.password_option("--password", help="Asked for when not given (typed twice, not echoed).")
def create_admin_command(email, phone, region, display_name, password):
    """Create an administrator, or make an existing account (same email or phone) one."""
    from app.accounts.identifiers import normalise_email, normalise_phone
    from app.accounts.services import AccountError, create_admin

    try:
        email = normalise_email(email)
    except ValueError as error:
        raise click.BadParameter("this email address does not look right", param_hint="--email") from error
    try:
        phone = normalise_phone(phone, region.upper())
    except ValueError as error:
        raise click.BadParameter("this phone number does not look right", param_hint="--phone") from error
    if not email and not phone:
        raise click.UsageError("Give --email or --phone (or both).")
    try:
        user = create_admin(email=email, phone=phone, display_name=display_name, password=password)
    except AccountError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Administrator ready: {user.email or user.phone} (account {user.id}).")
