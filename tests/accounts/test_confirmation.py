"""Confirmed accounts: sign-up sends a 6-digit code by SMS or a link by email; an unconfirmed account
cannot register, propose or support; it is erased after 48 hours; a taken identifier gets the same
answer on screen while its owner is told on their own channel."""

from datetime import timedelta

import sqlalchemy as sa

from app.accounts.identifiers import format_phone, normalise_phone
from app.accounts.models import AccountConfirmation, User
from app.core.models import OutboxMessage
from app.core.time import utcnow
from app.events.models import Registration
from app.extensions import db
from app.messages.compose import compose
from app.privacy.retention import erase_unconfirmed_accounts
from tests.accounts.helpers import without_tokens
from tests.accounts.test_sign_up import GOOD, sign_up
from tests.conftest import sign_in_as
from tests.factories import make_call, make_event, make_proposal, make_user
from tests.factories.accounts import PASSWORD


def new_account(client, **fields) -> User:
    assert sign_up(client, **fields).status_code == 303
    user = db.session.scalar(sa.select(User).order_by(User.id.desc()))
    assert user.confirmed_at is None
    return user


def sent_to(user) -> OutboxMessage:
    return db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.participant_id == user.participant_id,
                                       OutboxMessage.kind == "sign_up_code")
    )


def test_a_phone_sign_up_gets_a_6_digit_code_by_sms_and_typing_it_confirms(client):
    user = new_account(client, phone="0612345678")
    composed = compose(sent_to(user))
    assert (composed.address, composed.unsubscribe_url) == ("+212612345678", None)
    code = sent_to(user).payload["code"]
    assert len(code) == 6 and code.isdigit() and code in composed.text
    assert db.session.get(AccountConfirmation, user.id).code_hash != code  # only a keyed hash is kept
    sign_in_as(client, db.session.get(User, user.id))
    page = client.get("/confirm")
    assert "We sent a 6-digit code by SMS to your phone number" in page.text
    response = client.post("/confirm", data={"code": code[:3] + " " + code[3:]})
    assert response.status_code == 303
    assert db.session.get(User, user.id).confirmed_at is not None
    assert db.session.get(AccountConfirmation, user.id) is None


def test_an_email_sign_up_gets_a_link_and_opening_it_confirms(client):
    user = new_account(client, email="fatou@example.org")
    composed = compose(sent_to(user))
    assert composed.address == "fatou@example.org" and composed.subject == "Confirm your Jiwar account"
    link = sent_to(user).payload["link"]
    assert link in composed.text and link in composed.html
    response = client.get(link.replace("http://127.0.0.1:5000", ""))
    assert response.status_code == 303 and response.headers["Location"] == "/en/sign-in"
    assert db.session.get(User, user.id).is_confirmed
    assert client.get(link.replace("http://127.0.0.1:5000", "")).status_code == 404  # used up


def test_wrong_codes_are_counted_and_refused_after_five_with_a_clear_message(client):
    user = new_account(client, phone="0612345678")
    code = sent_to(user).payload["code"]
    wrong = "000000" if code != "000000" else "111111"
    sign_in_as(client, db.session.get(User, user.id))
    for _ in range(5):
        page = client.post("/confirm", data={"code": wrong})
        assert page.status_code == 400 and "This is not the code we sent." in page.text
    page = client.post("/confirm", data={"code": code})
    assert "Too many wrong codes. Ask for a new one below." in page.text
    assert db.session.get(User, user.id).confirmed_at is None


def test_an_expired_code_is_refused_and_a_new_one_can_be_sent(client):
    user = new_account(client, phone="0612345678")
    code = sent_to(user).payload["code"]
    db.session.get(AccountConfirmation, user.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    sign_in_as(client, db.session.get(User, user.id))
    assert "This code has expired." in client.post("/confirm", data={"code": code}).text
    client.post("/confirm/again")
    codes = sa.select(OutboxMessage.payload).where(OutboxMessage.kind == "sign_up_code")
    new_code = db.session.scalars(codes.order_by(OutboxMessage.id)).all()[-1]["code"]
    assert client.post("/confirm", data={"code": new_code}).status_code == 303
    assert db.session.get(User, user.id).is_confirmed


def test_an_unconfirmed_account_cannot_register_propose_or_support(client, oujda):
    user = new_account(client, email="fatou@example.org")
    event = make_event(oujda)
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user("Author"))
    sign_in_as(client, db.session.get(User, user.id))
    message = "Confirm your account first: type the code we sent you by SMS, or open the link in our email."
    submission = make_call(oujda)
    for attempt in (
        lambda: client.post(f"/events/{event.id}/register"),
        lambda: client.post(f"/proposals/{proposal.id}/support"),
        lambda: client.get(f"/calls/{submission.id}/propose"),
    ):
        response = attempt()
        assert response.status_code == 303 and response.headers["Location"] == "/en/confirm"
        assert message in client.get("/confirm").text
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
    assert db.session.get(type(proposal), proposal.id).support_count == 0


def test_a_factory_account_is_confirmed_and_registers(client, oujda):
    person = make_user("Amina")
    sign_in_as(client, person)
    assert client.post(f"/events/{make_event(oujda).id}/register").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_a_taken_identifier_gets_the_same_screen_and_its_owner_is_told_by_their_own_channel(app):
    owner = make_user("Owner", phone="+212612345678")
    answers = []
    for phone in ("0612345678", "0698765432"):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        response = client.post("/sign-up", data={**GOOD, "phone": phone})
        # The page names the number the person typed (their own), and nothing else differs.
        shown = format_phone(normalise_phone(phone, "MA")).encode()
        answers.append((response.status_code, response.headers["Location"],
                        without_tokens(client.get("/sign-in").data).replace(shown, b"NUMBER")))
    assert answers[0] == answers[1]
    told = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "sign_up_attempt"))
    assert told.participant_id == owner.participant_id
    composed = compose(told)
    assert composed.address == "+212612345678"  # by SMS: the account has no email
    assert "quelqu'un a essayé de s'inscrire avec votre numéro" in composed.text  # French, folded to GSM-7


def test_unconfirmed_accounts_are_erased_after_48_hours_and_confirmed_ones_stay(client, app):
    fresh = new_account(client, email="fresh@example.org")
    old = new_account(app.test_client(), email="old@example.org")
    confirmed = make_user("Kept")
    for user in (db.session.get(User, old.id), db.session.get(User, confirmed.id)):
        user.created_at = utcnow() - timedelta(hours=49)
    db.session.commit()
    with app.test_request_context():
        assert erase_unconfirmed_accounts(utcnow(), 48) == 1
    erased = db.session.get(User, old.id)
    assert erased.deleted_at is not None and erased.email is None
    assert db.session.get(AccountConfirmation, old.id) is None
    assert db.session.get(User, fresh.id).email == "fresh@example.org"
    assert db.session.get(User, confirmed.id).deleted_at is None
    # The freed address can sign up again.
    assert sign_up(app.test_client(), email="old@example.org", password=PASSWORD + " x",
                   confirm=PASSWORD + " x").status_code == 303


def test_apply_retention_runs_the_unconfirmed_erasure(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jiwar", "apply-retention", "--dry-run"])
    assert result.exit_code == 0 and "account(s) unconfirmed after 48 hours would be erased" in result.output
