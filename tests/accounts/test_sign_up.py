"""Sign-up with an email address or a phone number, and every bad input the form meets."""

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant, User
from app.accounts.passwords import verify_password
from app.core.models import OutboxMessage
from app.extensions import db
from tests.accounts.helpers import translated, without_tokens
from tests.factories import make_municipality, make_user

GOOD = {
    "display_name": "Fatou",
    "email": "",
    "phone": "",
    "municipality": "",
    "password": "sunny afternoon in oujda",
    "confirm": "sunny afternoon in oujda",
}


def sign_up(client, headers=None, **fields):
    return client.post("/sign-up", data={**GOOD, **fields}, headers=headers)


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


ANSWER = b"Next step: open the email we are sending to"


def test_sign_up_with_email_creates_the_account_and_sends_to_sign_in(client):
    response = sign_up(client, email="  Fatou@Example.ORG ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/sign-in"
    user = db.session.scalar(sa.select(User))
    assert user.email == "fatou@example.org"
    assert user.phone is None
    assert user.participant.display_name == "Fatou"
    assert user.preferred_locale == "en"
    assert verify_password(user.password_hash, GOOD["password"])
    assert user.password_hash.startswith("$argon2id$")
    page = client.get("/sign-in").data
    assert ANSWER in page and b'<bdi class="identifier" dir="ltr">fatou@example.org</bdi>' in page
    assert b'value="fatou@example.org"' in page  # filled in for the sign-in that follows
    assert b'value="fatou@example.org"' not in client.get("/sign-in").data  # once
    assert client.get("/me").status_code == 302  # not signed in: a taken address could not be
    signed_in = {"identifier": "fatou@example.org", "password": GOOD["password"]}
    assert client.post("/sign-in", data=signed_in).status_code == 303
    assert client.get("/me").status_code == 200


def test_sign_up_with_a_local_moroccan_phone_stores_it_in_international_form(client):
    assert sign_up(client, phone="06 12 34 56 78").status_code == 303
    assert db.session.scalar(sa.select(User.phone)) == "+212612345678"


def test_the_chosen_municipality_reads_local_numbers_of_its_country(client):
    marsa = make_municipality("la-marsa")
    assert sign_up(client, phone="20 123 456", municipality=str(marsa.id)).status_code == 303
    user = db.session.scalar(sa.select(User))
    assert user.phone == "+21620123456"
    assert user.municipality_id == marsa.id


def test_sign_up_with_both_email_and_phone(client):
    assert sign_up(client, email="a@example.org", phone="+216 20 123 456").status_code == 303
    user = db.session.scalar(sa.select(User))
    assert (user.email, user.phone) == ("a@example.org", "+21620123456")


def _refused(response, message: bytes, *, kept: list[bytes]):
    assert response.status_code == 200
    assert message in response.data
    for value in kept:
        assert value in response.data, value
    assert b"sunny afternoon" not in response.data  # passwords are never sent back


def test_neither_email_nor_phone_is_refused(client):
    response = sign_up(client)
    _refused(response, b"Give an email address or a phone number.", kept=[b'value="Fatou"'])
    assert user_count() == 0


@pytest.mark.parametrize("phone", ["12", "0612", "+999 123", "not a number", "06123456789012345"])
def test_a_malformed_phone_is_refused(client, phone):
    response = sign_up(client, phone=phone)
    _refused(response, b"This phone number does not look right.", kept=[b'value="Fatou"'])
    assert f'value="{phone}"'.encode() in response.data
    assert user_count() == 0


@pytest.mark.parametrize("email", ["fatou", "fatou@", "@example.org", "fatou@example", "fa tou@example.org"])
def test_a_malformed_email_is_refused(client, email):
    response = sign_up(client, email=email)
    _refused(response, b"This email address does not look right.", kept=[b'value="Fatou"'])
    assert user_count() == 0


def _answer(client, **fields) -> tuple[int, dict, bytes, bytes]:
    """The sign-up answer and the page it leads to, without what differs on every request."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = sign_up(client, **fields)
    headers = {name: value for name, value in response.headers.items() if name != "Set-Cookie"}
    return response.status_code, headers, response.data, without_tokens(client.get("/sign-in").data)


def test_a_taken_and_a_free_identifier_get_the_same_answer(app):
    make_user("Someone", email="taken@example.org", phone="+212612345678")

    def answer(fields, identifier: bytes):
        status, headers, body, page = _answer(app.test_client(), **fields)
        return status, headers, body, page.replace(identifier, b"IDENT")

    taken = answer({"email": "TAKEN@example.org"}, b"taken@example.org")
    assert taken == answer({"email": "free@example.org"}, b"free@example.org")
    taken_phone = answer({"phone": "0612-34-56-78"}, b"+212 6 12 34 56 78")
    assert taken_phone == answer({"phone": "0698765432"}, b"+212 6 98 76 54 32")
    assert taken[0] == 303 and taken[1]["Location"] == "/en/sign-in"
    assert ANSWER in taken[3] and b"Someone" not in taken[3]
    # The answer to a phone number says the step of a phone: sign in, then type the SMS code.
    assert (
        b'Next step: sign in below with <bdi class="identifier" dir="ltr">IDENT</bdi> and your password, '
        b"then type the 6-digit code" in taken_phone[3]
    )


def test_the_password_is_hashed_for_a_taken_identifier_too(client, monkeypatch):
    from app.accounts import services

    hashed = []
    monkeypatch.setattr(services, "hash_password", lambda password: hashed.append(1) or "x")
    make_user(email="taken@example.org")
    sign_up(client, email="taken@example.org")
    assert hashed == [1]  # as long to answer as a free address


def test_a_taken_email_creates_nothing_and_tells_its_owner(client):
    owner = make_user("Someone", email="fatou@example.org")
    response = sign_up(client, email="FATOU@example.org", phone="0612345678", display_name="Mallory")
    assert response.status_code == 303
    assert user_count() == 1
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1
    assert db.session.scalar(sa.select(User.display_name)) == "Someone"
    message = db.session.scalar(sa.select(OutboxMessage))
    assert (message.participant_id, message.kind) == (owner.participant_id, "sign_up_attempt")
    # Nothing about who tried: no name, no phone, no address, no password.
    assert message.payload == {"forgot_password_link": "http://127.0.0.1:5000/en/forgot-password"}
    assert client.get("/me").status_code == 302


def test_a_taken_phone_creates_nothing_however_it_is_written(client):
    owner = make_user("Someone", phone="+212612345678")
    assert sign_up(client, phone="0612-34-56-78").status_code == 303
    assert user_count() == 1
    # The owner has no email: they are told by SMS, on their own number.
    message = db.session.scalar(sa.select(OutboxMessage))
    assert (message.participant_id, message.kind) == (owner.participant_id, "sign_up_attempt")


def test_a_taken_phone_of_an_account_with_an_email_tells_that_email(client):
    owner = make_user("Someone", email="someone@example.org", phone="+212612345678")
    assert sign_up(client, email="new@example.org", phone="0612345678").status_code == 303
    assert user_count() == 1
    assert db.session.scalar(sa.select(OutboxMessage.participant_id)) == owner.participant_id


def test_the_sign_up_answer_comes_in_the_reader_language(app, client):
    from flask_babel import force_locale

    from app.accounts.views.public import sign_up_answer
    from app.core.i18n import forget_translations

    make_user(email="taken@example.org")
    sign_up(client, email="taken@example.org", headers={"Accept-Language": "ar"})
    page = client.get("/ar/sign-in")
    with app.test_request_context(), force_locale("ar"):
        forget_translations()
        expected = sign_up_answer("taken@example.org", None)
    assert expected.startswith("الخطوة التالية")
    assert str(expected).encode() in page.data


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", b"Use at least 8 characters."),
        ("password", b"This password is too common"),
        ("AZERTYUIOP", b"This password is too common"),
        ("12345678", b"This password is too common"),
        ("newyork12", b"This password is too common"),  # near the end of the 19,640
        ("x" * 201, b"Use at most 200 characters."),
    ],
)
def test_a_weak_password_is_refused(client, password, message):
    response = sign_up(client, email="fatou@example.org", password=password, confirm=password)
    assert response.status_code == 200
    assert message in response.data
    assert b'value="fatou@example.org"' in response.data
    assert user_count() == 0
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_the_password_may_not_be_the_email_address(client):
    response = sign_up(client, email="fatou.diallo@example.org", password="fatou.diallo@example.org",
                       confirm="fatou.diallo@example.org")
    assert b"Do not use your name, email address or phone number as your password." in response.data
    assert user_count() == 0


def test_no_composition_rules_a_long_lowercase_phrase_is_fine(client):
    assert sign_up(client, email="a@example.org", password="mint tea", confirm="mint tea").status_code == 303


def test_mismatched_passwords_are_refused(client):
    response = sign_up(client, email="fatou@example.org", confirm="something else entirely")
    assert response.status_code == 200
    assert b"The two passwords are not the same." in response.data
    assert b'value="fatou@example.org"' in response.data
    assert user_count() == 0


def test_an_unknown_municipality_is_refused(client):
    response = sign_up(client, email="fatou@example.org", municipality="999")
    assert b"Choose a municipality from the list." in response.data
    assert user_count() == 0


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_errors_come_in_the_reader_language(app, client, language):
    response = client.post("/sign-up", data={**GOOD, "phone": "12"}, headers={"Accept-Language": language})
    assert f'<html lang="{language}"'.encode() in response.data
    expected = "This phone number does not look right. Example: 0612 34 56 78 or +216 20 123 456."
    assert translated(app, language, expected) in response.data


def test_a_signed_in_person_is_sent_on_from_the_sign_up_page(client):
    from tests.conftest import sign_in_as

    sign_in_as(client, make_user())
    assert client.get("/sign-up").status_code == 302


def test_a_display_name_is_escaped_everywhere_it_is_shown(client):
    sign_up(client, email="x@example.org", display_name="<script>alert(1)</script>")
    client.post("/sign-in", data={"identifier": "x@example.org", "password": GOOD["password"]})
    page = client.get("/me")
    assert b"<script>alert(1)</script>" not in page.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.data


def test_a_race_for_the_same_email_gets_the_same_answer(client, monkeypatch):
    """Two sign-ups at once: both see the address free, the second meets the unique constraint."""
    from app.accounts import services

    real = services._tell_owners_of_a_sign_up_attempt
    calls = []

    def free_the_first_time(email, phone):
        calls.append(email)
        return False if len(calls) == 1 else real(email, phone)

    monkeypatch.setattr(services, "_tell_owners_of_a_sign_up_attempt", free_the_first_time)
    make_user("Someone", email="fatou@example.org")
    response = sign_up(client, email="fatou@example.org")
    assert (response.status_code, response.headers["Location"]) == (303, "/en/sign-in")
    assert len(calls) == 2
    assert user_count() == 1
    assert db.session.scalar(sa.select(OutboxMessage.kind)) == "sign_up_attempt"
