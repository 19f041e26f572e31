"""Limits on what people write (comments, abuse reports, proposals, desk cards), with Flask-Limiter.

The limits are read from the configuration at each request (JIWAR_*_LIMIT_* in config.py) and
count what was created, not attempts: a form sent back with an error costs nothing, so fixing a
typo never locks anyone out. Put `@limit_creations(...)` under `@login_required`.
"""

from flask import current_app, request
from flask_login import current_user

from app.extensions import limiter


def account_or_client() -> str:
    """The signed-in account; the client address (as the trusted proxies give it) otherwise."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return f"client:{request.remote_addr}"


def _created(response) -> bool:
    return response.status_code == 303  # every creation redirects to what was created


def limit_creations(setting: str, scope: str):
    """One counter per account for `scope` (routes sharing a scope share it), limits from `setting`."""
    return limiter.shared_limit(
        lambda: current_app.config[setting], scope=scope, key_func=account_or_client,
        methods=["POST"], deduct_when=_created,
    )
