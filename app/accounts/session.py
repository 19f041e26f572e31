"""Sessions: who is signed in, and when that ends.

The session carries "id:session_version", so bumping the version ends every session of that person on
their next request (sign-out, password change, disabling). A session also ends after
JIWAR_SESSION_IDLE_MINUTES without a request and JIWAR_SESSION_ABSOLUTE_HOURS after sign-in.
"""

import time

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload, lazyload

from app.extensions import db

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
_KEPT_ON_RESET = ("locale",)  # the language choice survives sign-in and sign-out
_SEEN_RESOLUTION = 60  # seconds: the cookie is rewritten at most once a minute for the idle clock


def load_user(session_id: str):
    from app.accounts.models import RoleAssignment, User

    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    # Roles in the same query (every page's menu and permission checks read them): one round trip,
    # not two. Their municipalities and the person's participation answers, which the mapping
    # joins wherever else a user is loaded, stay out: few pages read them (those load them on
    # first use), and they were two thirds of what every signed-in request paid to load its user
    # (python -m bench.cpu: see the commit that made this change).
    user = db.session.get(User, int(user_id), options=[
        lazyload(User.participant), joinedload(User.roles).lazyload(RoleAssignment.municipality),
    ])
    if user is None or user.session_version != int(version) or user.is_disabled:
        return None
    return user


def _fresh_session() -> None:
    kept = {key: session[key] for key in _KEPT_ON_RESET if key in session}
    session.clear()
    session.update(kept)


def start_session(user) -> None:
    """Sign `user` in with a brand-new session: nothing from before sign-in (an old CSRF token, a
    cookie an attacker planted) carries over, so the cookie's content changes completely."""
    if hasattr(user, "_get_current_object"):  # Flask-Login's proxy would point at itself
        user = user._get_current_object()
    _fresh_session()
    login_user(user)
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def end_session() -> None:
    logout_user()
    _fresh_session()


def enforce_session_timeouts() -> None:
    """before_request: end a signed-in session that has been idle or alive for too long."""
    # The session's own word, not current_user: an anonymous visitor's page never loads anyone.
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = int(time.time())
    config = current_app.config
    if SIGNED_IN_AT not in session:
        # Only this app writes the signed cookie; a session without clocks (set up by a test
        # helper) starts them now.
        session[SIGNED_IN_AT] = session[SEEN_AT] = now
    signed_in_at = session[SIGNED_IN_AT]
    seen_at = session.get(SEEN_AT, signed_in_at)
    idle_limit = config["JIWAR_SESSION_IDLE_MINUTES"] * 60
    absolute_limit = config["JIWAR_SESSION_ABSOLUTE_HOURS"] * 3600
    if now - seen_at > idle_limit or now - signed_in_at > absolute_limit:
        end_session()
        flash(_("Your session has ended. Please sign in again."), "info")
        return
    if now - seen_at >= _SEEN_RESOLUTION:
        session[SEEN_AT] = now
