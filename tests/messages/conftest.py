import pytest

from app.core.notifications import queue_notification
from app.extensions import db
from app.messages.channels import Channels, sms_adapter
from app.messages.channels.email import EmailChannel
from app.messages.worker import Worker
from tests.factories import make_user
from tests.messages.servers import SmsStandIn, SmtpServer

SENDER = "Jiwar <no-reply@jiwar.example>"


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def sms_server():
    with SmsStandIn() as server:
        yield server


def email_channels(server: SmtpServer) -> Channels:
    return Channels(by_name={"email": EmailChannel(server.url, SENDER)})


def sms_channels(url: str, **kwargs) -> Channels:
    channel = sms_adapter(url)
    for name, value in kwargs.items():
        setattr(channel, name, value)
    return Channels(by_name={"sms": channel})


def worker(app, channels: Channels, **settings) -> Worker:
    made = Worker(app, channels=channels)
    for name, value in settings.items():
        setattr(made, name, value)
    return made


def queue_for(user, count: int = 1, kind: str = "sign_up_attempt", **payload) -> list[int]:
    messages = [queue_notification(user.participant_id, kind, **payload) for _ in range(count)]
    db.session.commit()
    return [message.id for message in messages]


def phone_person(phone: str = "+212612345678"):
    return make_user("Awa", phone=phone)


def email_person(email: str = "amina@example.org"):
    return make_user("Amina", email=email)


def drain(app, channels: Channels, **settings) -> int:
    """Run one worker until nothing is due, then let go of its connections."""
    made = worker(app, channels, **settings)
    try:
        return made.drain()
    finally:
        channels.close()
