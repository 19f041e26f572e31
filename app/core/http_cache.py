"""Public pages as plain HTTP resources: caching is HTTP's job.

A public page (home, events, an event, calls, a proposal, a programme) answered to an anonymous
visitor holds nothing of that visitor: its language is in the address, it carries no CSRF token
(nothing on it posts) and it leaves the session alone. So it is the same bytes for everyone who asks
for that address, and says so: an ETag made from those bytes, `Cache-Control: public` with a short
`s-maxage` a reverse proxy may keep it for (JIWAR_PUBLIC_CACHE_SECONDS), `max-age=0` so a browser asks
again and gets a 304 when nothing changed. Flask-Compress then compresses it and suffixes the ETag with
the encoding.

The same address answered to a signed-in person (their registration, their supports) or to a visitor
with something of their own on it (a message to show, a session written, a token) is left to the
default of every page (app/core/security.py: `no-store` signed in, else `private, no-cache`), and
`Vary: Cookie` keeps a proxy from mixing the two.
"""

from collections.abc import Callable

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

PUBLIC = "jiwar_public_page"


def public_page(view: Callable) -> Callable:
    """Marks a view whose anonymous answer is the same for everyone (see above)."""
    setattr(view, PUBLIC, True)
    return view


def _holds_the_visitors_own(response: Response) -> bool:
    return (
        "_flashes" in session
        or session.modified
        or "csrf_token" in g  # a token was put in the page
        or response.headers.get("Set-Cookie") is not None
    )


def register_http_caching(app: Flask) -> None:
    # Registered after Flask-Compress's hook, so it runs before it (after_request runs in reverse):
    # the ETag is the uncompressed page's, and Flask-Compress adds the encoding to it.
    @app.after_request
    def mark_public_pages(response: Response) -> Response:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, PUBLIC, False) or request.method not in ("GET", "HEAD"):
            return response
        response.vary.add("Cookie")
        if response.status_code != 200:
            return response
        if current_user.is_authenticated or _holds_the_visitors_own(response):
            return response
        response.add_etag()
        response.cache_control.public = True
        response.cache_control.max_age = 0
        response.cache_control.s_maxage = current_app.config["JIWAR_PUBLIC_CACHE_SECONDS"]
        return response.make_conditional(request)
