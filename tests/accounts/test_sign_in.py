"""Sign-in with email or phone, answers that do not reveal who has an account, sessions that end."""

import time

import pytest
import sqlalchemy as sa

from app.accounts import passwords
from app.accounts.models import User
from app.extensions import db
from tests.accounts.helpers import without_tokens
from tests.conftest import sign_in_as
from tests.factories import PASSWORD, make_admin, make_user


def sign_in(client, identifier, password=PASSWORD, **extra):
    return client.post("/sign-in", data={"identifier": identifier, "password": password, **extra})


def signed_in_name(client) -> str | None:
    """The name in the account menu, or None when the page shows the sign-in link."""
    page = client.get("/").get_data(as_text=True)
    if 'href="/en/sign-in"' in page:
        return None
    return page


def test_sign_in_with_email_in_any_case(client):
    user = make_user("Fatou", email="fatou@example.org")
    response = sign_in(client, " FATOU@example.org ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/"
    assert "Fatou" in signed_in_name(client)
    db.session.rollback()
    assert db.session.get(User, user.id).last_sign_in_at is not None


@pytest.mark.parametrize("typed", ["0612345678", "06 12 34 56 78", "+212 612-345-678", "00212612345678"])
def test_sign_in_with_the_phone_however_it_is_written(client, typed):
    make_user("Youssef", phone="+212612345678")
    assert sign_in(client, typed).status_code == 303


def test_a_tunisian_local_number_finds_its_account(client):
    from tests.factories import make_municipality

    make_municipality("la-marsa")
    make_user("Salma", phone="+21620123456")
    assert sign_in(client, "20 123 456").status_code == 303


def test_next_goes_to_a_local_path_only(client):
    make_user(email="a@example.org")
    assert sign_in(client, "a@example.org", next="/en/me?tab=1").headers["Location"] == "/en/me?tab=1"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(client, target):
    make_user(email="a@example.org")
    assert sign_in(client, "a@example.org", next=target).headers["Location"] == "/en/"


def test_the_next_from_the_login_redirect_is_carried_by_the_form(client):
    response = client.get("/me")
    assert response.status_code == 302
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/en/me"' in form


def test_wrong_password_and_unknown_account_get_the_same_answer(client):
    make_user("Fatou", email="fatou@example.org")
    wrong = sign_in(client, "fatou@example.org", "not the password")
    unknown = sign_in(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    message = b"This email address or phone number and this password do not match."
    assert message in wrong.data and message in unknown.data
    normalise = lambda body, ident: body.replace(ident.encode(), b"IDENT")  # noqa: E731
    assert without_tokens(normalise(wrong.data, "fatou@example.org")) == without_tokens(
        normalise(unknown.data, "nobody@example.org"))
    assert signed_in_name(client) is None


def test_an_unknown_identifier_is_checked_against_the_dummy_hash(client, monkeypatch):
    checked = []
    real = passwords.verify_password

    def spy(password_hash, password):
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr("app.accounts.services.verify_password", spy)
    sign_in(client, "nobody@example.org", "whatever it is")
    sign_in(client, "0699999999", "whatever it is")
    sign_in(client, "not even an identifier", "whatever it is")
    assert checked == [passwords.dummy_hash()] * 3


def test_the_form_keeps_the_identifier_but_never_the_password(client):
    response = sign_in(client, "fatou@example.org", "my secret try")
    assert b'value="fatou@example.org"' in response.data
    assert b"my secret try" not in response.data


def test_empty_fields_are_named(client):
    response = client.post("/sign-in", data={})
    assert b"Give your email address or phone number." in response.data
    assert b"Give your password." in response.data


def test_a_disabled_account_cannot_sign_in(client):
    user = make_user(email="a@example.org")
    user.is_disabled = True
    db.session.commit()
    response = sign_in(client, "a@example.org")
    assert response.status_code == 200
    assert b"This account is disabled." in response.data
    assert signed_in_name(client) is None


# -- The session cookie ---------------------------------------------------------------------------


def test_sign_in_starts_a_brand_new_session_but_keeps_the_language(client):
    make_user(email="a@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["locale"] = "ar"
    before = client.get_cookie("session").value
    sign_in(client, "a@example.org")
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["locale"] == "ar"
        assert session["_user_id"].startswith(f"{db.session.scalar(sa.select(User.id))}:")


def test_session_cookie_is_http_only_and_same_site_lax(client):
    make_user(email="a@example.org")
    response = sign_in(client, "a@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def _copy_of_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(client, cookie: str):
    client.set_cookie("session", cookie)


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client):
    make_user("Fatou", email="a@example.org")
    sign_in(client, "a@example.org")
    copy = _copy_of_cookie(client)
    response = client.post("/sign-out")
    assert response.status_code == 303
    assert signed_in_name(client) is None
    _replay(client, copy)
    assert signed_in_name(client) is None
    assert client.get("/me").status_code == 302


def test_sign_out_is_post_only(client):
    assert client.get("/sign-out").status_code == 405


def test_disabling_an_account_ends_its_sessions_on_the_next_request(client, app):
    person = make_user("Fatou", email="a@example.org")
    sign_in(client, "a@example.org")
    assert client.get("/me").status_code == 200
    admin_client = sign_in_as(app.test_client(), make_admin())
    assert admin_client.post(f"/admin/people/{person.id}/disable").status_code == 303
    assert client.get("/me").status_code == 302


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(client, app):
    make_user("Fatou", email="a@example.org")
    other_device = app.test_client()
    sign_in(other_device, "a@example.org")
    sign_in(client, "a@example.org")
    response = client.post("/me/password", data={
        "current_password": PASSWORD, "password": "a brand new phrase", "confirm": "a brand new phrase"})
    assert response.status_code == 303
    assert client.get("/me").status_code == 200
    assert other_device.get("/me").status_code == 302
    client.post("/sign-out")
    assert sign_in(client, "a@example.org").status_code == 200
    assert sign_in(client, "a@example.org", "a brand new phrase").status_code == 303


def _age_session(client, *, idle: int = 0, since_sign_in: int = 0):
    now = int(time.time())
    with client.session_transaction() as session:
        session["signed_in_at"] = now - since_sign_in
        session["seen_at"] = now - idle


def test_an_idle_session_ends(client, app):
    make_user(email="a@example.org")
    sign_in(client, "a@example.org")
    idle = app.config["JIWAR_SESSION_IDLE_MINUTES"] * 60
    _age_session(client, idle=idle - 60, since_sign_in=idle - 60)
    assert client.get("/me").status_code == 200
    _age_session(client, idle=idle + 1, since_sign_in=idle + 1)
    response = client.get("/me")
    assert response.status_code == 302
    assert b"Your session has ended. Please sign in again." in client.get("/sign-in").data


def test_a_busy_session_still_ends_after_the_absolute_limit(client, app):
    make_user(email="a@example.org")
    sign_in(client, "a@example.org")
    absolute = app.config["JIWAR_SESSION_ABSOLUTE_HOURS"] * 3600
    _age_session(client, idle=5, since_sign_in=absolute - 10)
    assert client.get("/me").status_code == 200
    _age_session(client, idle=5, since_sign_in=absolute + 1)
    assert client.get("/me").status_code == 302


def test_timeouts_have_sensible_defaults(app):
    assert app.config["JIWAR_SESSION_IDLE_MINUTES"] == 120
    assert app.config["JIWAR_SESSION_ABSOLUTE_HOURS"] == 12


def test_activity_keeps_an_idle_session_alive(client, app):
    make_user(email="a@example.org")
    sign_in(client, "a@example.org")
    idle = app.config["JIWAR_SESSION_IDLE_MINUTES"] * 60
    _age_session(client, idle=idle - 30, since_sign_in=idle - 30)
    assert client.get("/me").status_code == 200  # this request resets the idle clock
    with client.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] < 5
