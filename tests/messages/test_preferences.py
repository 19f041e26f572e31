"""The messages page, the unsubscribe link (a confirmation page, and RFC 8058's one-click POST) and
a STOP received by SMS: each honoured at once, for messages already queued too."""

import sqlalchemy as sa

from app.core.models import OutboxMessage
from app.events import services as events
from app.extensions import db
from app.messages.compose import compose
from app.messages.models import MessagePreference
from app.messages.preferences import stop_from_phone
from tests.conftest import sign_in_as
from tests.factories import make_card_holder, make_event, make_user


def registered(client, person, oujda) -> OutboxMessage:
    event = make_event(oujda)
    with client.application.test_request_context():
        events.register_for_event(event.id, person.participant_id)
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "registration_confirmed"))


def test_the_page_saves_channel_language_topics_and_shared_phone(client, oujda):
    person = make_user("Amina", email="amina@example.org", phone="+212612345678")
    sign_in_as(client, person)
    page = client.get("/me/messages")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Reminders the day before and 2 hours before an event" in page.text
    response = client.post("/me/messages", data={
        "channel": "sms", "language": "ar", "topics": ["registrations", "proposals"], "phone_shared": "y",
    })
    assert response.status_code == 303
    row = db.session.get(MessagePreference, person.participant_id)
    assert (row.channel, row.language) == ("sms", "ar")
    assert row.muted_topics == ["account", "event_changes", "organiser_messages", "reminders"]
    assert db.session.get(type(person), person.id).participant.phone_shared is True
    composed = compose(registered(client, person, oujda))
    assert composed.address == "+212612345678" and composed.language == "ar"


def test_a_channel_the_account_lacks_is_refused_with_what_to_do_and_nothing_saved(client):
    person = make_user("Amina", email="amina@example.org")
    sign_in_as(client, person)
    response = client.post("/me/messages", data={"channel": "sms", "language": "fr", "topics": ["reminders"]})
    assert response.status_code == 400
    assert "Your account has no phone number: choose email, or no messages." in response.text
    assert 'value="reminders" checked' in response.text or "reminders" in response.text
    assert db.session.get(MessagePreference, person.participant_id) is None


def test_the_page_asks_to_sign_in(client):
    assert client.get("/me/messages").status_code == 302


def unsubscribe_link(composed) -> str:
    return composed.unsubscribe_url.replace("http://127.0.0.1:5000", "")


def test_the_unsubscribe_link_asks_then_stops_that_kind_at_once(client, oujda):
    person = make_user("Amina")
    person.preferred_locale = "en"  # the link opens in the person's language
    db.session.commit()
    message = registered(client, person, oujda)
    link = unsubscribe_link(compose(message))
    page = client.get(link)
    assert page.status_code == 200 and "My registrations: confirmed, waiting list, a seat for me" in page.text
    assert compose(message) is not None  # opening the link (a mail scanner) changes nothing
    done = client.post(link)
    assert done.status_code == 200 and "you will no longer receive these messages" in done.text
    assert compose(message) is None  # the message already queued is not sent


def test_one_click_unsubscribe_without_a_session_or_a_csrf_token(client, oujda):
    person = make_user("Amina")
    message = registered(client, person, oujda)
    response = client.post(unsubscribe_link(compose(message)), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert db.session.get(MessagePreference, person.participant_id).muted_topics == ["registrations"]


def test_a_forged_unsubscribe_link_is_refused_and_changes_nothing(client, oujda):
    person = make_user("Amina")
    message = registered(client, person, oujda)
    link = unsubscribe_link(compose(message))
    forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    assert db.session.get(MessagePreference, person.participant_id) is None


def test_stop_from_a_phone_stops_every_sms_at_once_for_accounts_and_card_holders(client, oujda):
    person = make_user("Amina", phone="+212612345678")
    holder = make_card_holder("Awa", phone="0612345678")
    message = registered(client, person, oujda)
    event = make_event(oujda)
    with client.application.test_request_context():
        events.register_for_event(event.id, holder.id)
    holder_message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.participant_id == holder.id)
    )
    assert compose(message) is not None and compose(holder_message) is not None
    assert stop_from_phone("0612345678") == 2  # the local form, as some gateways pass it
    assert compose(message) is None and compose(holder_message) is None
    sign_in_as(client, person)
    assert "You answered STOP to an SMS" in client.get("/me/messages").text


def test_stop_leaves_email_and_password_links(client, oujda):
    from app.accounts import services as accounts

    person = make_user("Amina", email="amina@example.org", phone="+212612345678")
    db.session.add(MessagePreference(participant_id=person.participant_id, channel="sms", muted_topics=[]))
    db.session.commit()
    stop_from_phone("+212612345678")
    composed = compose(registered(client, person, oujda))
    assert composed.address == "amina@example.org"
    with client.application.test_request_context():
        accounts.request_password_reset("amina@example.org")
    reset = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "password_reset"))
    assert compose(reset) is not None


def test_preferences_are_in_the_data_download_and_erased_with_the_account(client, oujda):
    from app.privacy.personal_data import delete_account, personal_data
    from tests.factories.accounts import PASSWORD

    person = make_user("Amina")
    db.session.add(MessagePreference(participant_id=person.participant_id, channel="email", language="ar",
                                     muted_topics=["reminders"]))
    db.session.commit()
    with client.application.test_request_context():
        data = personal_data(person, "en")
        assert data["message_settings"]["topics_turned_off"] == ["reminders"]
        delete_account(person, PASSWORD)
    assert db.session.get(MessagePreference, person.participant_id) is None
