"""Parallel requests on PostgreSQL: a reset link works exactly once, an email makes exactly one account."""

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from tests.accounts.helpers import use_reset_link
from tests.concurrency import answers_together
from tests.factories import make_reset_token, make_user

pytestmark = pytest.mark.postgres_only


def in_parallel(app, count, send):
    """`send(client, n)` from `count` browsers at once (tests/concurrency.py): their statuses, sorted."""
    return answers_together(app, [lambda n=n: send(app.test_client(), n) for n in range(count)])


def test_a_reset_link_sent_from_many_tabs_at_once_works_once(app):
    person = make_user()
    token = make_reset_token(person)

    def send(client, n):
        phrase = f"parallel phrase number {n}"
        return use_reset_link(client, token, {"password": phrase, "confirm": phrase}).status_code

    assert in_parallel(app, 6, send) == [303] + [410] * 5


def test_the_same_email_signing_up_at_once_makes_one_account(app):
    def send(client, n):
        return client.post("/sign-up", data={
            "display_name": f"P{n}", "email": "same@example.org", "phone": "", "municipality": "",
            "password": "parallel sign up phrase", "confirm": "parallel sign up phrase"}).status_code

    # Every sender gets the same answer (the losers' IntegrityError included), one account exists.
    assert in_parallel(app, 6, send) == [303] * 6
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
