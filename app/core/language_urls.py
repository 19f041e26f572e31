"""The language is the first segment of every page's address: /fr/events, /ar/events, /en/events.

A link shared on WhatsApp opens in the language it was sent in, whoever opens it, and a page is the
same bytes for every visitor of that address (app/core/http_cache.py). Addresses without a language
(`/`, old links, bookmarks) redirect to the same page in the visitor's language: the one this browser
session last chose while signed in, then the account's, then the browser's (Accept-Language), then
French. `url_for` fills the language in from the page being answered, so templates and views never
name it.
"""

from flask import Flask, current_app, has_request_context, redirect, request, session
from flask_login import current_user
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import BaseConverter, RequestRedirect

from app.core.i18n import LANGUAGE_NAMES, current_language

# Not "language": the events list has a filter of that name (the language an event is held in).
PREFIX = "/<lang:page_language>"


class LanguageConverter(BaseConverter):
    regex = "(?:" + "|".join(LANGUAGE_NAMES) + ")"


def url_language() -> str | None:
    """The language named by the address being answered, or None (`/`, /static/…, an old link)."""
    segment, _, _ = request.path[1:].partition("/")
    return segment if segment in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """Flask-Babel's locale selector: the address's language, else the visitor's (below)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return url_language() or chosen_language()


def chosen_language() -> str:
    """For an address without a language: the session's choice, the account's, the browser's, French."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_locale in languages:
        return current_user.preferred_locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def without_language() -> str:
    """This page's address (with its query) without its language: hreflang's x-default, which
    redirects by visitor. A page without a language (an error) stands for the home page."""
    if url_language() is None:
        return "/"
    return (request.full_path if request.query_string else request.path)[3:] or "/"


def in_language(language: str) -> str:
    """This page's address in another language: the language switch's links and the hreflang
    alternates."""
    return f"/{language}{without_language()}"


def register_language_urls(app: Flask) -> None:
    """Call before the blueprints are registered (their rules use the converter)."""
    app.url_map.converters["lang"] = LanguageConverter
    canonical = app.config["JIWAR_CANONICAL_URL"].rstrip("/")
    app.jinja_env.globals.update(
        in_language=in_language, without_language=without_language, canonical_url=canonical
    )
    expecting: set[str] = set()

    @app.url_defaults
    def add_language(endpoint: str, values: dict) -> None:
        if not expecting:  # the rules are complete by the first url_for
            rules = app.url_map.iter_rules()
            expecting.update(rule.endpoint for rule in rules if "page_language" in rule.arguments)
        if endpoint in expecting and "page_language" not in values:
            values["page_language"] = current_language()

    @app.url_value_preprocessor
    def take_language(_endpoint, values: dict | None) -> None:
        if values:
            values.pop("page_language", None)  # views never take it: the locale selector reads the path

    @app.before_request
    def remember_or_redirect():
        language = url_language()
        if language is not None:
            # A signed-in person's pages are theirs alone: their session follows the language they
            # read in, so `/` and old links bring them back to it. Public pages stay stateless.
            if session.get("_user_id") and session.get("locale") != language:
                session["locale"] = language
            return None
        if not isinstance(request.routing_exception, NotFound):
            return None
        return _redirect_into_language()


def _redirect_into_language():
    language = chosen_language()
    target = f"/{language}{request.path}"
    adapter = current_app.url_map.bind("", url_scheme=request.scheme)
    try:
        adapter.match(target, method=request.method)
    except RequestRedirect:
        pass  # the rule exists (werkzeug would add a slash)
    except HTTPException as error:
        if isinstance(error, NotFound):
            return None  # no page in any language: the 404 stands
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    # GET and HEAD: "found, for you"; other methods keep their method and body (308).
    code = 302 if request.method in ("GET", "HEAD") else 308
    response = redirect(target, code=code)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Accept-Language", "Cookie"))
    return response
