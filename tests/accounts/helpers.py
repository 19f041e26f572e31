"""Small helpers shared by the accounts tests."""

import re

from flask_babel import force_locale, gettext
from markupsafe import escape


def translated(app, language: str, msgid: str, **params) -> bytes:
    """The message as the page in `language` must show it (HTML-escaped), from the catalogs."""
    from app.core.i18n import forget_translations

    with app.test_request_context(), force_locale(language):
        forget_translations()  # the catalogue a previous call kept for its own language
        return str(escape(gettext(msgid, **params))).encode()


_TOKENS = re.compile(rb'(name="csrf_token" value="|"X-CSRFToken": ")[^"]*"')


def without_tokens(body: bytes) -> bytes:
    """A page without its CSRF tokens (they carry a timestamp), to compare two answers."""
    return _TOKENS.sub(b"", body)


def use_reset_link(client, token: str, data: dict):
    """Open a password link as a person does (its token goes into the session, the page moves to
    /reset), then send the form there; the refusal page when the link does not open."""
    opened = client.get(f"/reset/{token}")
    if opened.status_code != 303:
        return opened
    assert opened.headers["Location"].endswith("/reset")
    return client.post("/reset", data=data)
