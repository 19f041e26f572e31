"""With CSRF protection on (as in production): a form sent without its token is refused, comes back
with what was typed and a translated message, and nothing is written."""

import re

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.usefixtures("csrf_on")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token_from(page) -> str:
    return TOKEN.search(page.get_data(as_text=True)).group(1)


SIGN_UP = {
    "display_name": "Fatou",
    "email": "fatou@example.org",
    "phone": "",
    "municipality": "",
    "password": "sunny afternoon",
    "confirm": "sunny afternoon",
}


def test_sign_up_without_the_token_is_refused_keeping_the_form(client, app):
    response = client.post("/sign-up", data=SIGN_UP)
    assert response.status_code == 400
    assert (
        translated(app, "en", "This form had expired. Check what you typed and send it again.")
        in response.data
    )
    assert b'value="fatou@example.org"' in response.data and b'value="Fatou"' in response.data
    assert b"sunny afternoon" not in response.data
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_the_refusal_is_translated(client, app):
    response = client.post("/sign-up", data=SIGN_UP, headers={"Accept-Language": "ar"})
    assert response.status_code == 400
    assert b'dir="rtl"' in response.data
    assert (
        translated(app, "ar", "This form had expired. Check what you typed and send it again.")
        in response.data
    )


def test_sign_up_with_the_token_works(client):
    token = token_from(client.get("/sign-up"))
    assert client.post("/sign-up", data={**SIGN_UP, "csrf_token": token}).status_code == 303


def test_a_forged_token_is_refused(client):
    client.get("/sign-up")
    assert client.post("/sign-up", data={**SIGN_UP, "csrf_token": "forged"}).status_code == 400


def test_sign_in_is_protected_too(client):
    make_user(email="a@example.org")
    response = client.post("/sign-in", data={"identifier": "a@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert b'value="a@example.org"' in response.data
    assert client.get("/me").status_code == 302
    token = token_from(client.get("/sign-in"))
    ok = client.post(
        "/sign-in", data={"identifier": "a@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert ok.status_code == 303


def test_the_htmx_header_carries_the_token(client):
    make_user(email="a@example.org")
    token = token_from(client.get("/sign-in"))
    response = client.post(
        "/sign-in", data={"identifier": "a@example.org", "password": PASSWORD}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/sign-out", {}),
        ("/me", {"display_name": "Changed", "preferred_locale": "fr", "municipality": ""}),
        ("/me/participation/consent", {"consent": "y"}),
        ("/me/participation/withdraw", {}),
    ],
)
def test_every_personal_change_needs_the_token(client, url, data):
    person = make_user("Fatou", email="a@example.org")
    sign_in_as(client, person)
    response = client.post(url, data=data)
    assert response.status_code == 400
    user = db.session.get(User, person.id)
    assert (user.display_name, user.session_version, user.participant.consent_at, user.preferred_locale) == (
        "Fatou",
        1,
        None,
        None,
    )
    assert client.get("/me").status_code == 200  # still signed in: the sign-out was refused too
