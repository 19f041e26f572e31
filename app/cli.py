"""`flask jiwar ...`: administrators' tasks. Each domain adds its commands in its own cli module."""

import click
from flask.cli import AppGroup

jiwar_cli = AppGroup("jiwar", help="Jiwar administration tasks.")


@jiwar_cli.command("seed-demo")
def seed_demo_command():
    """Load the demo municipalities, accounts, events and proposals (running it twice changes nothing)."""
    from app.demo import seed_demo

    for line in seed_demo():
        click.echo(line)
