"""Redirect targets taken from a request stay on this site."""

from urllib.parse import urlsplit

from flask import url_for


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


_SENTINEL = 2_147_483_647


class UrlPattern:
    """url_for once per page for links that differ only by an id (a list's rows): url_for costs
    ~15-25 µs a call, filling the built pattern well under 1 µs. `pattern(42)` is the URL for 42."""

    def __init__(self, endpoint: str, key: str, **values):
        built = url_for(endpoint, **{key: _SENTINEL}, **values)
        self._head, _sep, self._tail = built.partition(str(_SENTINEL))

    def __call__(self, value: int) -> str:
        return f"{self._head}{int(value)}{self._tail}"
