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
