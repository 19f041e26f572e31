"""`flask jiwar create-admin`."""

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.core.models import AuditEntry
from app.extensions import db
from tests.factories import make_user


def run(app, *args, password="long admin phrase"):
    return app.test_cli_runner().invoke(args=["jiwar", "create-admin", *args],
                                         input=f"{password}\n{password}\n")


def test_create_admin_with_email_asks_for_the_password(app):
    result = run(app, "--email", "Boss@Example.org", "--name", "Amina")
    assert result.exit_code == 0, result.output
    assert "Administrator ready: boss@example.org" in result.output
    user = db.session.scalar(sa.select(User))
    assert user.is_admin and user.display_name == "Amina"
    assert verify_password(user.password_hash, "long admin phrase")
    assert db.session.scalar(sa.select(AuditEntry.action)) == "account.made_admin"


def test_create_admin_with_a_local_phone(app):
    result = run(app, "--phone", "20 123 456", "--region", "TN", "--name", "Salma")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User.phone)) == "+21620123456"


def test_an_existing_account_is_made_administrator(app):
    person = make_user(email="fatou@example.org")
    assert run(app, "--email", "fatou@example.org", "--name", "Fatou").exit_code == 0
    db.session.expire_all()
    user = db.session.get(User, person.id)
    assert user.is_admin
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_bad_input_is_refused(app):
    assert run(app, "--name", "Nobody").exit_code != 0
    assert "Give --email or --phone" in run(app, "--name", "Nobody").output
    assert run(app, "--email", "not-an-email", "--name", "X").exit_code != 0
    assert run(app, "--phone", "12", "--name", "X").exit_code != 0
    weak = run(app, "--email", "a@example.org", "--name", "X", password="password")
    assert weak.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
