"""URLs: redirect targets stay on this site and ids in URLs and forms stay in range."""

import uuid
from urllib.parse import urlsplit

from flask import url_for
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer, the type of every primary key


def safe_next_path(target: str | None, default_endpoint: str = "main.home") -> str:
    """Only a local path ("/events?page=2"); anything with a scheme, host or "//" falls back."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for(default_endpoint)


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
