"""Delivery receipts and replies through each gateway's authenticated webhook."""

import json
import time

import pytest
import sqlalchemy as sa

from app.core.models import DeliveryStatus, OutboxMessage
from app.extensions import db
from app.messages.receipts import sms_gateway_signature, twilio_signature
from tests.factories import make_event
from tests.messages.conftest import drain, phone_person, queue_for, sms_channels
from tests.messages.servers import TWILIO_TOKEN

KEY = "webhook-signing-key"
TWILIO_PATH = "/messages/receipts/twilio"


@pytest.fixture
def signing_key(app, monkeypatch):
    monkeypatch.setitem(app.config, "JIWAR_SMS_WEBHOOK_KEY", KEY)


def _message(message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _android(client, event: dict, key=KEY, timestamp=None):
    body = json.dumps(event).encode()
    timestamp = str(timestamp or int(time.time()))
    return client.post("/messages/receipts/sms-gateway", data=body, content_type="application/json",
                       headers={"X-Timestamp": timestamp,
                                "X-Signature": sms_gateway_signature(key, body, timestamp)})


def _sent_through_the_gateway(app, sms_server, count=1):
    person = phone_person()
    ids = queue_for(person, count)
    drain(app, sms_channels(sms_server.gateway_url()))
    return person, ids


def test_a_signed_delivery_receipt_marks_the_message_delivered(app, client, sms_server, signing_key):
    _, [message_id] = _sent_through_the_gateway(app, sms_server)
    provider_id = _message(message_id).provider_message_id
    event = {"deviceId": "ffffffffceb0b1db", "event": "sms:delivered", "id": "Ey6ECgOkVVFjz3CL48B8C",
             "payload": {"messageId": provider_id, "phoneNumber": "+212612345678", "simNumber": 1,
                         "deliveredAt": "2026-12-06T18:00:03.000+01:00"}, "webhookId": "LreFUt"}
    assert _android(client, event).status_code == 204
    message = _message(message_id)
    assert message.status == DeliveryStatus.DELIVERED and message.delivered_at is not None
    # A late "sent" does not undo "delivered".
    assert _android(client, {**event, "event": "sms:sent"}).status_code == 204
    assert _message(message_id).status == DeliveryStatus.DELIVERED


def test_a_failure_receipt_keeps_the_gateways_reason(app, client, sms_server, signing_key):
    _, [message_id] = _sent_through_the_gateway(app, sms_server)
    provider_id = _message(message_id).provider_message_id
    event = {"event": "sms:failed", "payload": {"messageId": provider_id, "phoneNumber": "+212612345678",
                                                "reason": "RESULT_ERROR_NO_SERVICE"}}
    assert _android(client, event).status_code == 204
    message = _message(message_id)
    assert (message.status, message.failure_reason) == (DeliveryStatus.FAILED, "RESULT_ERROR_NO_SERVICE")


@pytest.mark.parametrize("forged", ["wrong key", "old timestamp", "no signature"])
def test_an_unsigned_or_replayed_receipt_is_refused_and_changes_nothing(app, client, sms_server, signing_key,
                                                                          forged):
    _, [message_id] = _sent_through_the_gateway(app, sms_server)
    event = {"event": "sms:delivered", "payload": {"messageId": _message(message_id).provider_message_id}}
    if forged == "wrong key":
        response = _android(client, event, key="guess")
    elif forged == "old timestamp":
        response = _android(client, event, timestamp=int(time.time()) - 3600)
    else:
        response = client.post("/messages/receipts/sms-gateway", json=event)
    assert response.status_code == 401
    assert _message(message_id).status == DeliveryStatus.SENT


def test_without_a_signing_key_configured_every_receipt_is_refused(app, client, sms_server):
    _, [message_id] = _sent_through_the_gateway(app, sms_server)
    event = {"event": "sms:delivered", "payload": {"messageId": _message(message_id).provider_message_id}}
    assert _android(client, event, key="").status_code == 401


def test_a_stop_reply_drops_what_is_still_queued_for_that_phone(app, client, oujda, sms_server, signing_key):
    person = phone_person("+212612345678")
    other = phone_person("+212698765432")
    event_id = make_event(oujda).id
    mine = queue_for(person, 2, kind="event_cancelled", event_id=event_id)
    [theirs] = queue_for(other, kind="event_cancelled", event_id=event_id)
    [password_link] = queue_for(person, kind="password_reset", link="http://127.0.0.1:5000/fr/reset/x")
    event = {"event": "sms:received", "payload": {"messageId": "69bde8d0", "message": "Stop",
                                                  "phoneNumber": "+212612345678",
                                                  "receivedAt": "2026-12-06T19:00:00.000+01:00"}}
    assert _android(client, event).status_code == 204
    assert {_message(i).status for i in mine} == {DeliveryStatus.DROPPED}
    assert _message(theirs).status == DeliveryStatus.QUEUED
    assert _message(password_link).status == DeliveryStatus.QUEUED  # asked for: it still goes
    # Any other reply changes nothing.
    event["payload"] = {**event["payload"], "phoneNumber": "+212698765432", "message": "Merci, à demain"}
    assert _android(client, event).status_code == 204
    assert _message(theirs).status == DeliveryStatus.QUEUED


def _twilio(client, form: dict, token=TWILIO_TOKEN):
    signature = twilio_signature(token, "http://127.0.0.1:5000" + TWILIO_PATH, form)
    return client.post(TWILIO_PATH, data=form, headers={"X-Twilio-Signature": signature})


def test_twilio_status_callbacks_are_checked_by_signature(app, client, sms_server, monkeypatch):
    monkeypatch.setitem(app.config, "JIWAR_SMS_URL", sms_server.twilio_url())
    monkeypatch.setitem(app.config, "JIWAR_CANONICAL_URL", "http://127.0.0.1:5000")
    ids = queue_for(phone_person(), 2)
    drain(app, sms_channels(sms_server.twilio_url()))
    delivered, undelivered = (_message(i).provider_message_id for i in ids)
    assert _twilio(client, {"MessageSid": delivered, "MessageStatus": "delivered",
                            "AccountSid": "AC0", "To": "+212612345678"}).status_code == 204
    assert _twilio(client, {"MessageSid": undelivered, "MessageStatus": "undelivered",
                            "ErrorCode": "30003"}).status_code == 204
    assert _twilio(client, {"MessageSid": undelivered, "MessageStatus": "delivered"},
                   token="guess").status_code == 401
    first, second = (_message(i) for i in ids)
    assert first.status == DeliveryStatus.DELIVERED
    assert (second.status, second.failure_reason) == (DeliveryStatus.FAILED, "Twilio error 30003")


def test_a_twilio_stop_reply_is_honoured(app, client, oujda, sms_server, monkeypatch):
    monkeypatch.setitem(app.config, "JIWAR_SMS_URL", sms_server.twilio_url())
    monkeypatch.setitem(app.config, "JIWAR_CANONICAL_URL", "http://127.0.0.1:5000")
    [queued] = queue_for(phone_person("+21620123456"), kind="event_cancelled", event_id=make_event(oujda).id)
    form = {"From": "+21620123456", "Body": "توقف", "SmsStatus": "received", "MessageSid": "SMx"}
    assert _twilio(client, form).status_code == 204
    assert db.session.scalar(sa.select(OutboxMessage.status).where(OutboxMessage.id == queued)) == "dropped"
