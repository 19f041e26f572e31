"""Locale choice (the person's choice, then the browser, then French) and text direction."""

from babel import Locale
from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_locale in languages:
        return current_user.preferred_locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale().language) if get_locale() else "fr"


_DIRECTIONS = {code: Locale.parse(code).text_direction for code in LANGUAGE_NAMES}


def text_direction(language: str) -> str:
    return _DIRECTIONS.get(language, "ltr")
