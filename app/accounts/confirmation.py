"""Confirming a new account: a 6-digit code by SMS, or a link by email (only hashes are stored).

An unconfirmed account can sign in (to type its code) but cannot register, propose or support
(`confirmed_required` on those views); it is erased after JIWAR_UNCONFIRMED_HOURS
(app/privacy/retention.py, `flask jiwar apply-retention`)."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import AccountConfirmation, User
from app.core.audit import record_audit
from app.core.notifications import queue_notification
from app.core.time import utcnow
from app.core.urls import local_path
from app.extensions import db

MAX_ATTEMPTS = 5
CODE_DIGITS = 6


class ConfirmationError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _hash(secret: str) -> str:
    # Keyed: a 6-digit code's plain SHA-256 would be reversed by trying the million codes.
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, secret.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def start_confirmation(user: User) -> None:
    """A new code and link for `user` (earlier ones stop working), queued on the account's own
    channel: a link by email when it has an email address, else a code by SMS. The caller commits."""
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    token = secrets.token_urlsafe(24)
    now = utcnow()
    hours = current_app.config["JIWAR_UNCONFIRMED_HOURS"]
    row = db.session.get(AccountConfirmation, user.id) if user.id else None
    if row is None:
        row = AccountConfirmation(user_id=user.id)
        db.session.add(row)
    row.code_hash, row.link_hash, row.attempts = _hash(code), _hash(token), 0
    row.created_at, row.expires_at = now, now + timedelta(hours=hours)
    canonical = current_app.config["JIWAR_CANONICAL_URL"].rstrip("/")
    link = canonical + url_for("accounts.confirm_link", token=token)
    queue_notification(user.participant_id, "sign_up_code", channel="email" if user.email else "sms",
                       code=code, link=link, hours=hours)


def _confirm(user: User, row: AccountConfirmation) -> None:
    user.confirmed_at = utcnow()
    db.session.delete(row)
    record_audit("account.confirmed", actor=user, target=user)
    db.session.commit()


def confirm_with_code(user: User, code: str) -> None:
    if user.is_confirmed:
        return
    row = db.session.get(AccountConfirmation, user.id)
    if row is None or row.expires_at <= utcnow():
        raise ConfirmationError(_("This code has expired. Ask for a new one below."), "expired")
    if row.attempts >= MAX_ATTEMPTS:
        raise ConfirmationError(_("Too many wrong codes. Ask for a new one below."), "attempts")
    typed = "".join(character for character in (code or "") if character.isdigit())
    if not hmac.compare_digest(_hash(typed), row.code_hash):
        row.attempts += 1
        db.session.commit()
        raise ConfirmationError(_("This is not the code we sent. Check it and try again."), "wrong")
    _confirm(user, row)


def confirm_with_link(token: str) -> User:
    row = db.session.scalar(
        sa.select(AccountConfirmation).where(AccountConfirmation.link_hash == _hash((token or "")[:100]))
    )
    if row is None or row.expires_at <= utcnow():
        raise ConfirmationError(
            _("This link is not valid or has expired. Sign in to ask for a new one."), "link_invalid"
        )
    user = db.session.get(User, row.user_id)
    _confirm(user, row)
    return user


def send_again(user: User) -> None:
    if not user.is_confirmed:
        start_confirmation(user)
        db.session.commit()


def unconfirmed_message() -> str:
    return _("Confirm your account first: type the code we sent you by SMS, or open the link in our "
             "email. Then you can register, propose and support.")


def page_pressed_from() -> str | None:
    """The page of this site whose button sent the request (its Referer: same-origin only, by our
    Referrer-Policy), to come back to once the account is confirmed."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return None
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))


def confirmed_required(view):
    """For the views that register, propose or support: an unconfirmed account is sent to the
    confirmation page with a message saying why (nothing is written)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated and not current_user.is_confirmed:
            flash(unconfirmed_message(), "error")
            return redirect(url_for("accounts.confirm_account", next=page_pressed_from()), code=303)
        return view(*args, **kwargs)

    return wrapper
