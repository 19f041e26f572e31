"""Refused CSRF tokens and refused account forms reach the security log (ASVS 16.3.3): which form,
which fields, from which client digest, never what was typed, a token or a password."""

import logging

import pytest

from tests.conftest import sign_in_as
from tests.factories import PASSWORD, make_call, make_proposal, make_user


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.WARNING, logger="jiwar.security")

    def lines() -> list[str]:
        return [record.getMessage() for record in caplog.records if record.name == "jiwar.security"]

    return lines


SIGN_UP = {
    "display_name": "Fatou",
    "email": "fatou@example.org",
    "phone": "0612345678",
    "municipality": "",
    "password": "sunny afternoon",
    "confirm": "sunny afternoon",
}


def test_a_missing_csrf_token_on_an_account_form_is_logged(client, csrf_on, security_log, caplog):
    assert client.post("/sign-up", data=SIGN_UP).status_code == 400
    (line,) = [line for line in security_log() if "csrf.refused" in line]
    assert "endpoint=accounts.sign_up" in line and "reason=csrf_token_is_missing" in line
    for value in ("fatou@example.org", "0612345678", "sunny afternoon", "Fatou"):
        assert value not in caplog.text


def test_a_forged_csrf_token_anywhere_is_logged_without_the_token(client, csrf_on, oujda, security_log,
                                                                  caplog):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    person = make_user()
    sign_in_as(client, person)
    client.get(f"/proposals/{proposal.id}")  # a session with a real token
    response = client.post(f"/proposals/{proposal.id}/comments",
                           data={"body": "Bonjour", "csrf_token": "forged-token-value"})
    assert response.status_code == 400
    (line,) = [line for line in security_log() if "csrf.refused" in line]
    assert "endpoint=proposals.add_comment" in line and f"user={person.id}" in line
    assert "forged-token-value" not in caplog.text and "Bonjour" not in caplog.text


def test_a_refused_sign_up_form_names_its_fields_not_their_values(client, security_log, caplog):
    client.post("/sign-up", data={**SIGN_UP, "phone": "12", "password": "password", "confirm": "password"})
    (line,) = [line for line in security_log() if "form.refused" in line]
    assert "form=SignUpForm" in line and "fields=password,phone" in line
    assert "endpoint=accounts.sign_up" in line
    assert "fatou@example.org" not in caplog.text and "password " not in line.split("fields=")[1]


def test_sign_up_without_email_or_phone_is_logged(client, security_log):
    client.post("/sign-up", data={**SIGN_UP, "email": "", "phone": ""})
    (line,) = [line for line in security_log() if "form.refused" in line]
    assert "form=SignUpForm" in line and "fields=phone" in line


def test_a_refused_sign_in_form_is_logged(client, security_log):
    client.post("/sign-in", data={"identifier": "", "password": ""})
    (line,) = [line for line in security_log() if "form.refused" in line]
    assert "form=SignInForm" in line and "fields=identifier,password" in line


def test_a_wrong_current_password_is_logged(client, security_log, caplog):
    person = make_user()
    sign_in_as(client, person)
    client.post("/me/password", data={"current_password": "not my password", "password": "a new phrase here",
                                      "confirm": "a new phrase here"})
    (line,) = [line for line in security_log() if "form.refused" in line]
    assert "form=ChangePasswordForm" in line and "code=wrong_password" in line and f"user={person.id}" in line
    assert "not my password" not in caplog.text and "a new phrase here" not in caplog.text


def test_an_accepted_form_logs_no_refusal(client, security_log):
    person = make_user(email="aicha@example.org")
    client.post("/sign-in", data={"identifier": "aicha@example.org", "password": PASSWORD})
    client.get("/sign-up")
    assert not [line for line in security_log() if "refused" in line]
    assert person.id
