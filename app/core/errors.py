"""Translated error pages; an unexpected error gets a short reference that is also in the log."""

import logging
import secrets

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("jiwar.errors")

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is no longer available.")),
    405: (_l("Not allowed"), _l("This action is not possible here.")),
    409: (_l("Conflict"), _l("Someone else changed this in the meantime. Please reload and try again.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened. It has been recorded.")),
}


def render_error(status: int, reference: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html", status=status, title=title, message=message, reference=reference
        ),
        status,
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        from app.core.security_log import csrf_refused, security_event

        if error.code in (403, 429):
            security_event("access.denied" if error.code == 403 else "rate_limited")
        elif isinstance(error, CSRFError):
            csrf_refused(error)
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        from app.extensions import db

        if app.testing and not app.config.get("JIWAR_CATCH_ERRORS_IN_TESTS"):
            raise error

        db.session.rollback()
        reference = secrets.token_hex(4)
        # The type only: messages of database errors may carry the values a person typed.
        log.error("unexpected error ref=%s type=%s", reference, type(error).__name__)
        return render_error(500, reference)
