"""One-time password links: issued by an administrator or at the desk, asked for by the person;
random, stored hashed, built on the canonical address, expiring, working once."""

import hashlib
import re

import pytest
import sqlalchemy as sa

from app.accounts.models import PasswordResetToken, Role, User
from app.core.models import AuditEntry, OutboxMessage
from app.extensions import db
from tests.accounts.helpers import use_reset_link, without_tokens
from tests.conftest import sign_in_as
from tests.factories import (
    PASSWORD,
    make_admin,
    make_municipality,
    make_organiser,
    make_reset_token,
    make_user,
)

NEW = {"password": "a new long passphrase", "confirm": "a new long passphrase"}
LINK = re.compile(rb"<code>(http[^<]+/reset/([A-Za-z0-9_\-]+))</code>")


def issued_link(response) -> tuple[str, str]:
    match = LINK.search(response.data)
    assert match, response.data[-2000:]
    return match.group(1).decode(), match.group(2).decode()


def test_an_administrator_issues_a_link_shown_once_on_screen(client, app):
    person = make_user("Fatou", phone="+212612345678")
    admin = make_admin()
    sign_in_as(client, admin)
    response = client.post(f"/admin/people/{person.id}/reset-link")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link, token = issued_link(response)
    assert link.startswith(app.config["JIWAR_CANONICAL_URL"] + "/en/reset/")
    assert b"<svg" in response.data  # the QR code of the link, to scan with the person's phone
    assert len(token) >= 40
    row = db.session.scalar(sa.select(PasswordResetToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    assert row.created_by_id == admin.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "account.reset_link_issued"))
    assert (entry.actor_id, entry.target_id) == (admin.id, person.id)
    assert "+212" not in str(entry.details) and "Fatou" not in str(entry.details)


def test_the_link_ignores_the_host_header(client, app, monkeypatch):
    """Another host name the site answers to (JIWAR_TRUSTED_HOSTS): links still name the canonical URL."""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", [*app.config["TRUSTED_HOSTS"], "alias.example"])
    person = make_user()
    admin = make_admin()
    with client.session_transaction(base_url="http://alias.example") as session:
        session["_user_id"] = admin.get_id()
    response = client.post(f"/admin/people/{person.id}/reset-link", base_url="http://alias.example")
    link, _ = issued_link(response)
    assert "alias.example" not in link
    assert link.startswith(app.config["JIWAR_CANONICAL_URL"])


def test_the_person_sets_a_new_password_once(client):
    person = make_user("Fatou", phone="+212612345678")
    token = make_reset_token(person)
    opened = client.get(f"/reset/{token}")
    # The token leaves the address at once: the form and its POST are at /reset.
    assert (opened.status_code, opened.headers["Location"]) == (303, "/en/reset")
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/reset")
    assert page.status_code == 200
    assert b'action="/en/reset"' in page.data and token.encode() not in page.data
    response = client.post("/reset", data=NEW)
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/sign-in"
    login = client.post("/sign-in", data={"identifier": "0612345678", "password": NEW["password"]})
    assert login.status_code == 303
    client.post("/sign-out")
    assert client.post("/sign-in", data={"identifier": "0612345678", "password": PASSWORD}).status_code == 200


def test_a_link_used_twice_is_refused_and_changes_nothing(client):
    person = make_user()
    token = make_reset_token(person)
    use_reset_link(client, token, NEW)
    hash_after_first = db.session.get(User, person.id).password_hash
    again = use_reset_link(client, token, {"password": "yet another phrase", "confirm": "yet another phrase"}
    )
    assert again.status_code == 410
    assert b"This link has already been used." in again.data
    assert db.session.get(User, person.id).password_hash == hash_after_first
    assert client.get(f"/reset/{token}").status_code == 410


def test_an_expired_link_is_refused(client):
    person = make_user()
    before = person.password_hash
    token = make_reset_token(person, hours=-1)
    response = use_reset_link(client, token, NEW)
    assert response.status_code == 410
    assert b"This link has expired." in response.data
    assert db.session.get(User, person.id).password_hash == before


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 5000])
def test_an_unknown_link_is_refused(client, token):
    response = client.get(f"/reset/{token}")
    assert response.status_code == 404
    assert b"This link is not valid." in response.data


def test_the_form_without_an_opened_link_is_refused(client):
    person = make_user()
    before = person.password_hash
    assert client.get("/reset").status_code == 404
    response = client.post("/reset", data=NEW)
    assert response.status_code == 404 and b"This link is not valid." in response.data
    assert db.session.get(User, person.id).password_hash == before


def test_the_opened_link_belongs_to_this_browser_only(client, app):
    person = make_user()
    before = person.password_hash
    client.get(f"/reset/{make_reset_token(person)}")
    other = app.test_client()
    assert other.post("/reset", data=NEW).status_code == 404
    assert db.session.get(User, person.id).password_hash == before


def test_a_link_spent_elsewhere_after_opening_is_refused(client):
    """Opened here, then a newer link (or a password change) spends it: the form says so."""
    person = make_user()
    token = make_reset_token(person)
    client.get(f"/reset/{token}")
    use_reset_link(client.application.test_client(), make_reset_token(person), NEW)
    response = client.post("/reset", data={"password": "yet another phrase", "confirm": "yet another phrase"})
    assert response.status_code == 410 and b"This link has already been used." in response.data
    assert client.get("/reset").status_code == 404  # the session forgot it


def test_the_token_never_reaches_the_pages_after_the_first(client, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    token = make_reset_token(make_user())
    client.get(f"/reset/{token}")
    page = client.get("/reset")
    assert token.encode() not in page.data
    with client.session_transaction() as session:
        assert token not in str(dict(session))  # the session keeps the row id, not the token
    assert token not in caplog.text


def test_a_weak_or_mismatched_new_password_keeps_the_link_usable(client):
    person = make_user()
    token = make_reset_token(person)
    weak = use_reset_link(client, token, {"password": "password1", "confirm": "password1"})
    assert weak.status_code == 200 and b"This password is too common" in weak.data
    mismatch = use_reset_link(client, token, {"password": "long enough one", "confirm": "other"})
    assert b"The two passwords are not the same." in mismatch.data
    assert use_reset_link(client, token, NEW).status_code == 303


def test_resetting_ends_every_session_of_the_person(client, app):
    person = make_user(email="a@example.org")
    device = app.test_client()
    device.post("/sign-in", data={"identifier": "a@example.org", "password": PASSWORD})
    assert device.get("/me").status_code == 200
    use_reset_link(client, make_reset_token(person), NEW)
    assert device.get("/me").status_code == 302


def test_a_new_link_replaces_the_older_ones(client):
    person = make_user()
    old = make_reset_token(person)
    sign_in_as(client, make_admin())
    client.post(f"/admin/people/{person.id}/reset-link")
    assert client.get(f"/reset/{old}").status_code == 410


# -- The information desk -------------------------------------------------------------------------


def test_an_organiser_finds_a_resident_by_phone_and_issues_a_link(client):
    oujda = make_municipality("oujda")
    person = make_user("Aminata Diallo", phone="+212612345678", email="aminata@example.org",
                       municipality=oujda)
    sign_in_as(client, make_organiser(oujda))
    found = client.get("/accounts/desk?q=06 12 34 56 78")
    assert found.status_code == 200
    assert b"Aminata Diallo" in found.data
    assert b"aminata@example.org" not in found.data  # masked: the desk sees only enough to recognise
    assert b"am\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2@example.org" in found.data
    page = client.get(f"/accounts/desk/{person.id}")
    assert b"Last 4 digits of their phone number" in page.data and b"5678" not in page.data
    response = client.post(f"/accounts/desk/{person.id}/reset-link", data={"said": "56 78"})
    assert response.status_code == 200
    _, token = issued_link(response)
    assert use_reset_link(client, token, NEW).status_code == 303


def test_the_desk_finds_by_name_and_email_but_not_by_two_letters(client):
    oujda = make_municipality("oujda")
    make_user("Aminata Diallo", email="aminata@example.org", municipality=oujda)
    sign_in_as(client, make_organiser(oujda))
    assert b"Aminata Diallo" in client.get("/accounts/desk?q=diallo").data
    assert b"Aminata Diallo" in client.get("/accounts/desk?q=aminata@example.org").data
    short = client.get("/accounts/desk?q=am")
    assert b"Aminata Diallo" not in short.data and b"Type at least 3 characters." in short.data


def test_the_desk_never_lists_nor_resets_staff_accounts(client):
    oujda = make_municipality("oujda")
    reviewer = make_user("Karim Reviewer", roles=[(Role.REVIEWER, oujda)], municipality=oujda)
    admin = make_admin(display_name="Karim Admin", municipality=oujda)
    sign_in_as(client, make_organiser(oujda))
    assert b"Karim" not in client.get("/accounts/desk?q=karim").data
    for staff in (reviewer, admin):
        assert client.get(f"/accounts/desk/{staff.id}").status_code == 403
        assert client.post(f"/accounts/desk/{staff.id}/reset-link", data={"said": "x"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(PasswordResetToken.id))) == 0


def test_the_desk_fragment_for_live_search(client):
    oujda = make_municipality("oujda")
    make_user("Aminata Diallo", municipality=oujda)
    sign_in_as(client, make_organiser(oujda))
    fragment = client.get("/accounts/desk?q=amin", headers={"HX-Request": "true"})
    assert b"Aminata Diallo" in fragment.data
    assert b"<html" not in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]


def test_an_administrator_cannot_issue_a_link_for_themselves(client):
    admin = make_admin()
    sign_in_as(client, admin)
    response = client.post(f"/admin/people/{admin.id}/reset-link")
    assert response.status_code == 303
    assert (
        b"You cannot issue a password link for this account." in client.get(response.headers["Location"]).data
    )
    assert db.session.scalar(sa.select(sa.func.count(PasswordResetToken.id))) == 0


# -- "Forgot your password?" ----------------------------------------------------------------------


def test_forgot_password_answers_the_same_for_known_and_unknown_identifiers(client, app):
    person = make_user(email="fatou@example.org")
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    known = client.post("/forgot-password", data={"identifier": "fatou@example.org"})
    unknown = other.post("/forgot-password", data={"identifier": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    first = client.get(known.headers["Location"]).data
    second = other.get(unknown.headers["Location"]).data
    assert b"If an account uses this email address or phone number" in first
    assert without_tokens(first) == without_tokens(second)
    messages = list(db.session.scalars(sa.select(OutboxMessage)))
    assert [m.participant_id for m in messages] == [person.participant_id]
    assert messages[0].kind == "password_reset"
    assert messages[0].payload["link"].startswith("http://127.0.0.1:5000/en/reset/")


def test_forgot_password_sends_nothing_for_a_disabled_account(client):
    person = make_user(email="a@example.org")
    person.is_disabled = True
    db.session.commit()
    assert client.post("/forgot-password", data={"identifier": "a@example.org"}).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_the_log_holds_no_token_phone_or_password(client, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    person = make_user("Fatou", phone="+212612345678")
    client.post("/forgot-password", data={"identifier": "0612345678"})
    sign_in_as(client, make_admin())
    _, token = issued_link(client.post(f"/admin/people/{person.id}/reset-link"))
    use_reset_link(client, token, NEW)
    queued = db.session.scalar(sa.select(OutboxMessage)).payload["link"].rsplit("/", 1)[1]
    assert "password_reset" in caplog.text  # the outbox did log, without its content
    for secret in (token, queued, "612345678", NEW["password"], "Fatou"):
        assert secret not in caplog.text
