"""Security events for the operators' log: sign-ins, refusals, rate limits.

Who and from where, without personal data: the account's id (never an email, phone or name) and a
keyed digest of the client address, enough to see many attempts from one client without keeping
where a person connects from (for migrants, an address can say where they live).
"""

import hashlib
import hmac
import logging

from flask import current_app, has_request_context, request
from flask_login import current_user

log = logging.getLogger("jiwar.security")


def client_digest() -> str:
    if not has_request_context():
        return "-"
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()[:12]


def csrf_refused(error) -> None:
    """A state change without a valid CSRF token; the reason is Flask-WTF's own fixed sentence
    ("The CSRF token is missing."), never the token."""
    reason = error.description.removeprefix("The ").rstrip(".").lower().replace(" ", "_")
    security_event("csrf.refused", reason=reason)


def security_event(event: str, **fields) -> None:
    """event="sign_in.failed", fields of ids and codes only (no values a person typed)."""
    if "user" not in fields and has_request_context() and current_user and current_user.is_authenticated:
        fields["user"] = current_user.id
    details = " ".join(f"{name}={value}" for name, value in sorted(fields.items()))
    endpoint = request.endpoint if has_request_context() else "-"
    log.warning("security %s client=%s endpoint=%s %s", event, client_digest(), endpoint, details)
