"""URLs: redirect targets stay on this site and ids in URLs and forms stay in range."""

import uuid
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter

from app.core.i18n import current_language

MAX_ID = 2**31 - 1  # PostgreSQL's integer, the type of every primary key
MAX_NEXT_LENGTH = 2000


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this site ("/fr/events/3?page=2"), in the language of the page
    being answered (a person who switched to Arabic on the sign-in page comes back in Arabic), else
    None. Anything with a scheme, a host, "//", a backslash, a space or a control character (browsers
    drop tabs and line breaks, so "/<tab>/evil.example" would become "//evil.example") is refused."""
    if not target or len(target) > MAX_NEXT_LENGTH or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    language = target[1:].partition("/")[0].partition("?")[0]
    if has_request_context() and language in current_app.config["LANGUAGES"]:
        return f"/{current_language()}{target[1 + len(language):]}"
    return target


def safe_next_path(target: str | None, default_endpoint: str = "main.home") -> str:
    """Only a local path ("/events?page=2"); anything else falls back to `default_endpoint`."""
    return local_path(target) or url_for(default_endpoint)


class IdConverter(IntegerConverter):
    """`<int:...>` in Jiwar's URLs is always a row id: ids past a 32-bit integer column cannot exist,
    so they do not match (404) instead of reaching the database, where SQLite raises OverflowError
    for values beyond 64 bits."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's own name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value: str | None) -> int | None:
    """A row id sent in a form or a query string, or None when it cannot be one. str.isdigit()
    lets "²" through (int() refuses it) and any length (the database refuses past its integer)."""
    if not value or not value.isdecimal() or len(value) > len(str(MAX_ID)):
        return None  # int() refuses more than 4,300 digits, and ten cover every id
    number = int(value)
    return number if number <= MAX_ID else None


def parse_client_id(value) -> str | None:
    """An id made on a phone for something it recorded offline (a UUID, as crypto.randomUUID writes
    it), or None when it cannot be one."""
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None
