"""gunicorn's access log without one-time secrets: a password link (/reset/<token>) is opened once and
its token then leaves the address (app/accounts/views/public.py), but that first request would
still be written, token and all, by the access log. Start gunicorn with
`--logger-class app.core.access_log.AccessLog` (as `make run` does)."""

import re

from gunicorn.glogging import Logger

_TOKEN_IN_PATH = re.compile(r"(/reset/)[^/?#\s]+")


def redact(text):
    return _TOKEN_IN_PATH.sub(r"\1[redacted]", text) if isinstance(text, str) else text


class AccessLog(Logger):
    def atoms(self, resp, req, environ, request_time):
        # Every field: the path, the request line, the referer, and their copies among the environ.
        return {key: redact(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
