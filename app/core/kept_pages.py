"""Pages kept for the signed-in person who asked for them, until the next write or for a minute.

app/core/fragments.py keeps one page for every anonymous visitor. A signed-in person's pages (My
events, a door list, a review queue, a report) are theirs alone, but the same reasoning holds: while
no transaction has written (the data version), the same person asking for the same URL with the same
language and htmx headers gets the same HTML, because everything on it, their permissions included,
is a function of the data. The person is the session's "id:session_version": signing out everywhere,
a password change or a disabled account changes it, and taking a role away is a write. So a kept
answer skips loading the person, checking what they may see and the page's own queries; what is
left is reading the data version and putting this session's CSRF token in.

Clocks move pages too (an event that ends goes to "past"): an answer is kept at most
`KEPT_SECONDS`. Nothing is kept while a message waits to be shown, when the view flashed one or
changed the session, for an answer other than 200, or when the view says not to (`unless`: an
audited view of exact figures must be recorded every time).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import Response, g, make_response, request, session
from flask_login import current_user

from app.core import fragments
from app.core.kept_body import KeptBody
from app.core.time import utcnow

KEPT_SECONDS = 60
MAX_ENTRIES = 128  # per process; a report page is the largest, about 65 KB
_UNKEPT_HEADERS = {"Set-Cookie", "Content-Length"}
_HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request", "HX-Target")

cache = fragments.FragmentCache(size=MAX_ENTRIES)


def _key() -> tuple | None:
    person = session.get("_user_id")
    if person is None or "_flashes" in session or request.method != "GET":
        return None
    # The language is a function of these and of the person's saved preference (data).
    language = (session.get("locale"), request.headers.get("Accept-Language", ""))
    htmx = tuple(request.headers.get(name) for name in _HTMX_HEADERS)
    return request.endpoint, person, language, request.full_path, htmx


def kept_for_person(unless: Callable[[], bool] | None = None):
    """Decorator, above login_required: keep this view's answers for the person who asked."""

    def decorate(view):
        @wraps(view)
        def kept_view(*args, **kwargs):
            key = _key()
            token = fragments.data_token() if key is not None and not (unless and unless()) else None
            if token is None:
                return view(*args, **kwargs)
            now = utcnow()
            kept = cache.get(key, token, now)
            if kept is None:
                response, kept = _render(view, args, kwargs)
                if kept is None:
                    return response
                cache.put(key, fragments.Fragment(token, now + timedelta(seconds=KEPT_SECONDS), kept))
            body, headers = kept
            return body.response(fragments.session_csrf_token, 200, headers)

        return kept_view

    return decorate


def _render(view, args, kwargs) -> tuple[Response, tuple[KeptBody, list] | None]:
    """Run the view with the CSRF placeholder: its answer, and (body, headers) if it may be kept."""
    # Loading the person may mark the session as not fresh (Flask-Login's session protection):
    # that is not the view's doing, so it happens before the session is compared.
    current_user._get_current_object()
    before = dict(session)
    with fragments.sharing_page():
        response = make_response(view(*args, **kwargs))
    body = response.get_data(as_text=True)
    keepable = (
        response.status_code == 200
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and dict(session) == before
        # A form that rendered this session's own token (Flask-WTF keeps it in g) is not shared
        # with the person's other sessions.
        and not (g.get("csrf_token") and g.csrf_token in body)
    )
    if not keepable:
        if fragments.CSRF_PLACEHOLDER in body:
            response.set_data(body.replace(fragments.CSRF_PLACEHOLDER, fragments.session_csrf_token()))
        return response, None
    # A signed-in page is never stored by a browser or proxy (app/core/security.py would say the
    # same, but asking it means loading the person).
    response.headers["Cache-Control"] = "no-store"
    headers = [(name, value) for name, value in response.headers.items() if name not in _UNKEPT_HEADERS]
    return response, (KeptBody(body, fragments.CSRF_PLACEHOLDER), headers)
