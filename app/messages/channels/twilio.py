"""Twilio's Programmable Messaging API, the commercial gateway: it reaches Morocco, Tunisia and Niger
(alphanumeric sender or a Messaging Service), signs its status callbacks and passes replies on.

JIWAR_SMS_URL = twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B1555... (a number) or
?messaging_service=MG... . Messages go as POST /2010-04-01/Accounts/{sid}/Messages.json, form
encoded, basic authentication, with a StatusCallback to our receipt webhook. Twilio takes no
idempotency key on this call: a send repeated after a crash may reach the phone twice (at most once
more). twilio+http:// is only for a local stand-in server (tests, benchmarks)."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from app.messages.channels.base import ConfigurationError, Sent
from app.messages.channels.http import HttpAdapter, error_text


def auth_token(url: str) -> str:
    """The Auth Token in a twilio:// JIWAR_SMS_URL ("" for another gateway): it signs the callbacks."""
    parts = urlsplit(url)
    return unquote(parts.password or "") if parts.scheme.startswith("twilio") else ""


class TwilioSms(HttpAdapter):
    label = "Twilio"

    def __init__(self, url: str, status_callback: str | None = None, **kwargs):
        super().__init__(**kwargs)
        parts = urlsplit(url)
        transport = {"twilio": "https", "twilio+https": "https", "twilio+http": "http"}.get(parts.scheme)
        if transport is None:
            raise ConfigurationError("JIWAR_SMS_URL for Twilio starts with twilio:// .")
        if not parts.username or not parts.password:
            raise ConfigurationError(
                "JIWAR_SMS_URL gives no Account SID and Auth Token for Twilio: "
                "twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B212..."
            )
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.sender = options.get("from")
        self.messaging_service = options.get("messaging_service")
        if not self.sender and not self.messaging_service:
            raise ConfigurationError(
                "JIWAR_SMS_URL for Twilio needs ?from=SENDER (a number in +E.164 form, written %2B..., or an "
                "alphanumeric sender) or ?messaging_service=MG... ."
            )
        host = parts.hostname or "api.twilio.com"
        netloc = host + (f":{parts.port}" if parts.port else "")
        self.account_sid = unquote(parts.username)
        self.auth_token = unquote(parts.password)
        self.base = f"{transport}://{netloc}/2010-04-01/Accounts/{self.account_sid}"
        self.http.auth = (self.account_sid, self.auth_token)
        self.status_callback = status_callback

    def check(self) -> None:
        self.check_answer(f"{self.base}.json")

    def send(self, composed, idempotency_key: str) -> Sent:
        form = {"To": composed.address, "Body": composed.text}
        if self.messaging_service:
            form["MessagingServiceSid"] = self.messaging_service
        else:
            form["From"] = self.sender
        if self.status_callback:
            form["StatusCallback"] = self.status_callback
        response = self.request("POST", f"{self.base}/Messages.json", data=form)
        if response.status_code >= 300:
            self.refuse(response, error_text(response))
        return Sent(response.json().get("sid"))
