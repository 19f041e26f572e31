"""How each SMS gateway proves a webhook is its own.

SMS Gateway for Android: `X-Signature` is the hex HMAC-SHA256, under the app's signing key, of the
raw body followed by the `X-Timestamp` header (Unix seconds); a timestamp over 5 minutes away is
refused, so a captured call cannot be replayed later.
Twilio: `X-Twilio-Signature` is the base64 HMAC-SHA1, under the account's Auth Token, of the full
webhook URL followed by every POST parameter's name and value, sorted by name."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

MAX_SKEW_SECONDS = 300


def sms_gateway_signature(key: str, body: bytes, timestamp: str) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def sms_gateway_signed(key: str, body: bytes, timestamp: str | None, signature: str | None,
                       now: float | None = None) -> bool:
    if not key or not timestamp or not signature:
        return False
    try:
        moment = int(timestamp)
    except ValueError:
        return False
    if abs((now or time.time()) - moment) > MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(sms_gateway_signature(key, body, timestamp), signature.lower())


def twilio_signature(auth_token: str, url: str, form: dict[str, str]) -> str:
    signed = url + "".join(f"{name}{form[name]}" for name in sorted(form))
    return base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def twilio_signed(auth_token: str, url: str, form: dict[str, str], signature: str | None) -> bool:
    if not auth_token or not signature:
        return False
    return hmac.compare_digest(twilio_signature(auth_token, url, form), signature)
