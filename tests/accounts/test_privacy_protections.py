"""The deletion and download forms under CSRF protection and rate limits, as in production."""

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.core.models import AuditEntry
from app.extensions import db
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, make_user


def test_deleting_without_the_token_is_refused_and_writes_nothing(app, client, csrf_on):
    person = make_user("Fatou", email="fatou@example.org")
    sign_in_as(client, person)
    response = client.post("/me/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 400
    assert (
        translated(app, "en", "This form had expired. Check what you typed and send it again.")
        in response.data
    )
    assert PASSWORD.encode() not in response.data
    assert db.session.get(User, person.id).deleted_at is None


def test_downloading_without_the_token_is_refused_and_not_logged(client, csrf_on):
    sign_in_as(client, make_user())
    response = client.post("/me/data/download")
    assert response.status_code == 400 and b'"account"' not in response.data
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_guessing_the_password_on_the_deletion_form_is_slowed_then_refused(limited_client):
    person = make_user("Fatou", email="fatou@example.org")
    sign_in_as(limited_client, person)
    statuses = [
        limited_client.post("/me/delete", data={"password": f"guess {n}", "confirm": "y"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Even the right password waits now: nothing is deleted while refused.
    assert limited_client.post("/me/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 429
    assert db.session.get(User, person.id).deleted_at is None


def test_guessing_the_current_password_on_the_password_form_is_slowed_then_refused(limited_client):
    """Someone holding another person's open session cannot try passwords there without limit."""
    person = make_user("Fatou", email="fatou@example.org")
    sign_in_as(limited_client, person)
    new = {"password": "une phrase neuve et longue", "confirm": "une phrase neuve et longue"}
    statuses = [
        limited_client.post("/me/password", data={"current_password": f"guess {n}", **new}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    response = limited_client.post("/me/password", data={"current_password": PASSWORD, **new})
    assert response.status_code == 429
    db.session.rollback()
    assert verify_password(db.session.get(User, person.id).password_hash, PASSWORD)
