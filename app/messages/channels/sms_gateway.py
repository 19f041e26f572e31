"""SMS Gateway for Android (github.com/capcom6/android-sms-gateway): an Android phone with a local SIM
sends the messages; the cheapest gateway an association can run.

JIWAR_SMS_URL = smsgateway+http://USER:PASSWORD@192.168.1.20:8080 (the phone's local server, same
network) or smsgateway+https://USER:PASSWORD@api.sms-gate.app/3rdparty/v1 (cloud mode). Messages go as
POST {base}/message, JSON, basic authentication; our idempotency key is the message's `id`, so a
message sent again after a crash is refused by the gateway as one it already has (409) instead of
reaching the phone twice. Delivery receipts and replies come back by the app's webhooks, signed with
its signing key (JIWAR_SMS_WEBHOOK_KEY): app/messages/receipts.py.

Plain `requests` rather than the PyPI client (android-sms-gateway): the client posts to the newer
/messages path only, folds timeouts and refused connections into one error, and would be one more
dependency for one POST; the wire format is small and tested against a local server speaking it."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from app.messages.channels.base import ConfigurationError, Sent
from app.messages.channels.http import HttpAdapter, error_text


class SmsGatewayForAndroid(HttpAdapter):
    label = "SMS Gateway for Android"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        parts = urlsplit(url)
        transport = parts.scheme.partition("+")[2]
        if transport not in ("http", "https"):
            raise ConfigurationError(
                "JIWAR_SMS_URL for SMS Gateway for Android starts with smsgateway+http:// (the phone's "
                "local server) or smsgateway+https:// (cloud mode)."
            )
        if not parts.hostname:
            raise ConfigurationError("JIWAR_SMS_URL names no host (smsgateway+http://USER:PASSWORD@PHONE-IP:8080).")
        if not parts.username or not parts.password:
            raise ConfigurationError(
                "JIWAR_SMS_URL gives no user and password for SMS Gateway for Android (the app shows them "
                "on its Home tab): smsgateway+http://USER:PASSWORD@PHONE-IP:8080."
            )
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        self.base = f"{transport}://{netloc}{parts.path.rstrip('/')}"
        self.http.auth = (unquote(parts.username), unquote(parts.password))

    def check(self) -> None:
        self.check_answer(f"{self.base}/health")

    def send(self, composed, idempotency_key: str) -> Sent:
        body = {
            "id": idempotency_key,
            "textMessage": {"text": composed.text},
            "phoneNumbers": [composed.address],
            "withDeliveryReport": True,
        }
        response = self.request("POST", f"{self.base}/message", json=body)
        if response.status_code == 409:  # it already has this id: the earlier try reached it
            return Sent(idempotency_key)
        if response.status_code >= 300:
            self.refuse(response, error_text(response))
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return Sent(str(answer.get("id") or idempotency_key))
