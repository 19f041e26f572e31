"""The email channel against a real SMTP server (aiosmtpd on 127.0.0.1, plain SMTP with AUTH; STARTTLS
and smtps:// in test_email_tls.py)."""

import pytest

from app.core.models import DeliveryStatus, OutboxMessage
from app.extensions import db
from app.messages.channels.base import ConfigurationError, PermanentFailure, TemporaryFailure
from app.messages.channels.email import EmailChannel
from app.messages.compose import Composed
from tests.messages.conftest import SENDER, drain, email_channels, email_person, queue_for
from tests.messages.servers import free_port

ARABIC = Composed(
    channel="email", address="amina@example.org", subject="تذكير: ورشة الغد",
    text="مرحبا أمينة، ورشتك غدا على الساعة 18:00.",
    html='<html lang="ar" dir="rtl"><body><p>مرحبا أمينة، ورشتك غدا على الساعة 18:00.</p></body></html>',
    language="ar", unsubscribe_url="https://jiwar.example/unsubscribe/abc",
)


def test_a_message_arrives_with_its_text_and_html_parts_and_one_click_unsubscribe(smtp_server):
    channel = EmailChannel(smtp_server.url, SENDER)
    sent = channel.send(ARABIC, "5b0c8a52-0000-4000-8000-000000000001")
    channel.close()

    [received] = smtp_server.box.messages
    assert received["To"] == "amina@example.org"
    assert received["Subject"] == "تذكير: ورشة الغد"
    assert received["Content-Language"] == "ar"
    assert received["List-Unsubscribe"] == "<https://jiwar.example/unsubscribe/abc>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message_id = "<5b0c8a52-0000-4000-8000-000000000001@jiwar.example>"
    assert received["Message-ID"] == message_id == sent.provider_message_id
    assert received.get_body(("plain",)).get_content().strip() == ARABIC.text
    assert 'dir="rtl"' in received.get_body(("html",)).get_content()


def test_a_password_link_carries_no_unsubscribe_header(smtp_server):
    channel = EmailChannel(smtp_server.url, SENDER)
    password_link = Composed("email", "amina@example.org", "Mot de passe", "https://jiwar.example/reset/x")
    channel.send(password_link, "k-1")
    channel.close()
    [received] = smtp_server.box.messages
    assert received["List-Unsubscribe"] is None
    assert received.get_body(("html",)) is None or received.is_multipart() is False


def test_one_connection_serves_many_messages(smtp_server):
    channel = EmailChannel(smtp_server.url, SENDER)
    for n in range(5):
        channel.send(Composed("email", f"p{n}@example.org", "Sujet", "Texte"), f"key-{n}")
    channel.close()
    assert len(smtp_server.box.messages) == 5


def test_a_refused_address_is_a_permanent_failure_and_a_dead_server_a_temporary_one(smtp_server):
    channel = EmailChannel(smtp_server.url, SENDER)
    with pytest.raises(PermanentFailure, match="550"):
        channel.send(Composed("email", "nobody@refused.example", "Sujet", "Texte"), "k-2")
    nowhere = EmailChannel(f"smtp://u:p@127.0.0.1:{free_port()}", SENDER, timeout=2)
    with pytest.raises(TemporaryFailure, match="unreachable"):
        nowhere.send(Composed("email", "amina@example.org", "Sujet", "Texte"), "k-3")


@pytest.mark.parametrize(("url", "sender", "said"), [
    ("http://mail.example.org", SENDER, "must start with smtp:// or smtps://"),
    ("smtp://user@mail.example.org:587", SENDER, "user without a password"),
    ("smtp://user:pw@mail.example.org:587?starttls=1", "", "Set JIWAR_MAIL_FROM"),
    ("smtp://:587", SENDER, "names no host"),
])
def test_bad_settings_are_said_before_any_send(url, sender, said):
    with pytest.raises(ConfigurationError, match=said):
        EmailChannel(url, sender)


def test_the_start_up_check_says_an_unreachable_host(smtp_server):
    with pytest.raises(ConfigurationError, match="Cannot reach the SMTP server 127.0.0.1"):
        EmailChannel(f"smtp://u:p@127.0.0.1:{free_port()}", SENDER, timeout=2).check()
    EmailChannel(smtp_server.url, SENDER).check()  # the right server and credentials pass


def test_the_worker_sends_each_queued_email_once_and_records_it(app, smtp_server):
    person = email_person()
    ids = queue_for(person, 3)
    assert drain(app, email_channels(smtp_server)) == 3
    assert drain(app, email_channels(smtp_server)) == 0  # nothing left: nothing again

    assert len(smtp_server.box.messages) == 3
    assert set(smtp_server.box.message_ids().values()) == {1}
    for message in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_(ids))):
        assert message.status == DeliveryStatus.SENT
        assert (message.channel, message.address, message.attempts) == ("email", "amina@example.org", 1)
        assert message.provider_message_id == f"<{message.idempotency_key}@jiwar.example>"
        assert message.sent_at is not None and message.claimed_by is None
