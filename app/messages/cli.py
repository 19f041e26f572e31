"""`flask jiwar reminders`: one pass of the reminders (app/cli.py adds it to the `flask jiwar` group)."""

import click


@click.command("reminders")
def reminders_command():
    """Queue the reminders due now (the day before at 18:00, 2 hours before); safe to run often."""
    from app.core.time import utcnow
    from app.messages.reminders import queue_due_reminders

    count = queue_due_reminders(utcnow())
    click.echo(f"{count} reminder(s) queued.")
