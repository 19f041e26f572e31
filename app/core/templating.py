"""What every template can use: language, direction, dates in the municipality's time zone."""

from datetime import datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent
from flask import Flask
from flask.templating import Environment

from app.core.bidi import without_bidi_controls
from app.core.dates import FIRST_DAY, LAST_DAY, OUT_OF_RANGE
from app.core.htmx import is_htmx_fragment_request
from app.core.i18n import LANGUAGE_NAMES, current_language, text_direction
from app.core.time import to_zone
from app.core.translated import register_translated_helpers


class SharedGlobalsEnvironment(Environment):
    """Flask's Jinja environment, except that a template with no globals of its own reads the
    environment's globals dict itself, as Jinja 2 did, instead of a ChainMap over it. Jinja 3.1
    checks every global's name against that ChainMap at each {% import %}, in Python: with the
    app's 49 globals, the review queue (which imports each row's state badge) spent a quarter of
    its CPU there. python -m bench.cpu, large data set, best of 4: review queue 6.47 -> 4.75 ms,
    my events 3.12 -> 2.85, event page 2.01 -> 1.90, door 4.19 -> 4.18. Globals added later are
    still seen, as with the ChainMap; nothing here passes a template globals of its own."""

    def make_globals(self, d):
        return self.globals if not d else super().make_globals(d)


class JiwarFlask(Flask):
    jinja_environment = SharedGlobalsEnvironment


@lru_cache(maxsize=16)
def babel_locale(language: str) -> Locale:
    """Babel parses a locale string again on every format_* call (a few µs, many times a page)."""
    return Locale.parse(language)


# Formatting a moment is a pure function of (moment, zone, format, language): pages show the same
# events' dates on every visit, so the texts are kept (a bounded cache, shared by the requests).
@lru_cache(maxsize=8192)
def _datetime_text(moment: datetime, zone: str, fmt: str, language: str) -> str:
    return format_datetime(to_zone(moment, zone), format=fmt, locale=babel_locale(language))


@lru_cache(maxsize=8192)
def _date_text(moment, zone: str | None, fmt: str, language: str) -> str:
    if isinstance(moment, datetime):
        moment = to_zone(moment, zone or "UTC").date()
    return format_date(moment, format=fmt, locale=babel_locale(language))


@lru_cache(maxsize=8192)
def _time_text(moment: datetime, zone: str, language: str) -> str:
    return format_time(to_zone(moment, zone), format="short", locale=babel_locale(language))


def local_date_text(moment: datetime, zone: str, fmt: str = "medium") -> str:
    """A moment's date on the municipality's clock, in the request's language (as `local_date`)."""
    return _date_text(moment, zone, fmt, current_language())


def local_time_text(moment: datetime, zone: str) -> str:
    """A moment's time on the municipality's clock, in the request's language (as `local_time`)."""
    return _time_text(moment, zone, current_language())


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.finalize = without_bidi_controls  # every {{ value }} a template prints
    register_translated_helpers(app)
    app.jinja_env.globals.update(
        current_language=current_language,
        text_direction=text_direction,
        language_names=LANGUAGE_NAMES,
        first_day=FIRST_DAY.isoformat(),
        last_day=LAST_DAY.isoformat(),
        date_out_of_range=OUT_OF_RANGE,
        # A list's fragment brings the links built from the page's address along, out of band
        # (templates/_macros/address_links_oob.html).
        htmx_fragment=is_htmx_fragment_request,
    )

    @app.template_filter("local_datetime")
    def local_datetime(moment: datetime | None, zone: str = "Africa/Casablanca", fmt: str = "medium"):
        if moment is None:
            return ""
        return _datetime_text(moment, zone, fmt, current_language())

    @app.template_filter("local_date")
    def local_date(moment, zone: str | None = None, fmt: str = "medium"):
        if moment is None:
            return ""
        return _date_text(moment, zone, fmt, current_language())

    @app.template_filter("local_time")
    def local_time(moment: datetime | None, zone: str = "Africa/Casablanca"):
        if moment is None:
            return ""
        return _time_text(moment, zone, current_language())

    @app.template_filter("number")
    def number(value):
        return "" if value is None else format_decimal(value, locale=babel_locale(current_language()))

    @app.template_filter("percent")
    def percent(value):
        """0.5 → "50 %" in French, "50%" in English: the page's language, as `number`."""
        return "" if value is None else format_percent(value, locale=babel_locale(current_language()))
