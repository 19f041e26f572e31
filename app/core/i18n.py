"""The request's language and text direction, and a translation path that costs little per string.
Which language a request is in: app/core/language_urls.py."""

from contextlib import contextmanager
from contextvars import ContextVar

import flask_babel
from babel import Locale
from flask_babel import Domain, force_locale, get_locale
from markupsafe import Markup

from app.core.bidi import without_bidi_controls

LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


_request_language: ContextVar = ContextVar("jiwar_language", default=None)


def current_language() -> str:
    """The request's language code, found once per request (pages ask for it dozens of times, and
    Flask-Babel's get_locale walks the context each time); forgotten with the translations below."""
    language = _request_language.get()
    if language is None:
        locale = get_locale()
        language = str(locale.language) if locale else "fr"
        _request_language.set(language)
    return language


_DIRECTIONS = {code: Locale.parse(code).text_direction for code in LANGUAGE_NAMES}


def text_direction(language: str) -> str:
    return _DIRECTIONS.get(language, "ltr")


# -- A translation path that costs almost nothing per string ---------------------------------------
# Flask-Babel finds the catalogue again for every string (g, the locale selector, str(Locale), a
# cache lookup): about 10 µs, which a page with a hundred strings pays a hundred times. Here the
# catalogue is found once per request and kept in a context variable, emptied when the request (or
# app context) ends and whenever the language is switched.

_request_translations: ContextVar = ContextVar("jiwar_translations", default=None)


class RequestCachedDomain(Domain):
    def get_translations(self):
        translations = _request_translations.get()
        if translations is None:
            translations = super().get_translations()
            _request_translations.set(translations)
        return translations


def forget_translations(*_args) -> None:
    _request_translations.set(None)
    _request_language.set(None)


@contextmanager
def speaking(language: str):
    """Translate (and build links) in `language` for a while, whatever the request's language:
    Flask-Babel's forced locale, with our per-request catalogue and language forgotten on the way in
    and out (a message in the person's language, a card holder's data read at the desk)."""
    with force_locale(language):
        forget_translations()
        try:
            yield
        finally:
            forget_translations()
    forget_translations()


def refresh_language() -> None:
    """After changing the language within a request: Flask-Babel's refresh, and ours."""
    flask_babel.refresh()
    forget_translations()


def _printed(values: dict) -> dict:
    return {name: without_bidi_controls(value) for name, value in values.items()}


def install_fast_translations(app, babel: flask_babel.Babel) -> None:
    domain = RequestCachedDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    babel.domain_instance = domain  # replaces Flask-Babel's cached default domain
    app.teardown_appcontext(forget_translations)
    app.before_request(forget_translations)
    # Jinja's own newstyle wrappers add a Context.call per string; these do the same job directly:
    # the translation is ours (trusted), the values are escaped by Markup's % formatting.
    # The values skip Jinja's finalize (they are printed by %): the bidi controls are taken out here.
    def template_gettext(string, **values):
        text = Markup(domain.get_translations().ugettext(string))  # noqa: S704 - our catalogue
        return text % _printed(values) if values else text

    def template_ngettext(singular, plural, n, **values):
        text = Markup(domain.get_translations().ungettext(singular, plural, n))  # noqa: S704
        return text % {"num": n, **_printed(values)}

    app.jinja_env.newstyle_gettext = True  # {% trans %} passes its values to gettext, as above
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext, ngettext=template_ngettext)
