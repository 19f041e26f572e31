"""`flask jiwar worker`: sends the outbox's messages until stopped (SIGTERM or Ctrl-C end it cleanly).
`flask jiwar reminders`: one pass of the reminders (the worker also queues them as it runs)."""

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then stop.")
@with_appcontext
def worker_command(once: bool):
    """Send queued messages by email, SMS or the log, as configured (README, "Messages")."""
    from app.messages.channels.base import ConfigurationError
    from app.messages.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = current_app._get_current_object()
    try:
        worker = Worker(app)
        worker.channels.check()  # reach each server and prove the credentials before the first send
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from error
    if once:
        try:
            click.echo(f"{worker.drain()} messages handled.")
        finally:
            worker.channels.close()
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    channels = ", ".join(sorted(worker.channels.by_name)) or "log only"
    click.echo(f"Worker {worker.name} sending ({channels}); Ctrl-C stops it.")
    worker.run_forever(stop, app.config["JIWAR_WORKER_IDLE_SECONDS"])

@click.command("reminders")
def reminders_command():
    """Queue the reminders due now (the day before at 18:00, 2 hours before); safe to run often."""
    from app.core.time import utcnow
    from app.messages.reminders import queue_due_reminders

    count = queue_due_reminders(utcnow())
    click.echo(f"{count} reminder(s) queued.")
