"""Changing one's password: each bad input is named, nothing changes until all is right."""

import pytest

from app.accounts.models import User
from app.accounts.passwords import verify_password
from app.extensions import db
from tests.accounts.helpers import use_reset_link
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, make_reset_token, make_user

NEW = "a fresh long phrase"


@pytest.fixture
def person(client):
    user = make_user("Fatou", email="fatou@example.org")
    sign_in_as(client, user)
    return user


def unchanged(person) -> bool:
    user = db.session.get(User, person.id)
    return verify_password(user.password_hash, PASSWORD) and user.session_version == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current_password": "wrong one here", "password": NEW, "confirm": NEW},
            b"Your current password is not right.",
        ),
        (
            {"current_password": PASSWORD, "password": "qwertyuiop", "confirm": "qwertyuiop"},
            b"This password is too common",
        ),
        (
            {"current_password": PASSWORD, "password": "short", "confirm": "short"},
            b"Use at least 8 characters.",
        ),
        (
            {"current_password": PASSWORD, "password": NEW, "confirm": "something else"},
            b"The two passwords are not the same.",
        ),
        (
            {"current_password": PASSWORD, "password": "Fatou@Example.org", "confirm": "Fatou@Example.org"},
            b"Do not use your name, email address or phone number as your password.",
        ),
        ({"current_password": "", "password": NEW, "confirm": NEW}, b"Give your current password."),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(client, person, data, message):
    response = client.post("/me/password", data=data)
    assert response.status_code == 200
    assert message in response.data
    assert NEW.encode() not in response.data and PASSWORD.encode() not in response.data
    assert unchanged(person)


def test_a_good_change_spends_outstanding_reset_links(client, person):
    token = make_reset_token(person)
    response = client.post(
        "/me/password", data={"current_password": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert response.status_code == 303
    assert client.get(f"/reset/{token}").status_code == 410


def test_the_sign_in_page_says_why_it_appeared(client):
    page = client.get("/sign-in?next=/me")
    assert b"Once signed in, you come back to the page you were on." in page.data
    assert b"Once signed in, you come back" not in client.get("/sign-in").data


@pytest.mark.usefixtures("csrf_on")
def test_the_reset_page_without_its_token_keeps_the_link_unused(client):
    other = make_user()
    token = make_reset_token(other)
    response = use_reset_link(client, token, {"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert b"This form had expired." in response.data
    assert client.get("/reset").status_code == 200
