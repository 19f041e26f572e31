"""What every template can use: language, direction, dates in the municipality's time zone."""

from datetime import datetime

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from flask import Flask
from flask_wtf.csrf import generate_csrf

from app.core.i18n import LANGUAGE_NAMES, current_language, text_direction
from app.core.time import to_zone


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        current_language=current_language,
        text_direction=text_direction,
        language_names=LANGUAGE_NAMES,
        csrf_token=generate_csrf,
    )

    @app.template_filter("local_datetime")
    def local_datetime(moment: datetime | None, zone: str = "Africa/Casablanca", fmt: str = "medium"):
        if moment is None:
            return ""
        return format_datetime(to_zone(moment, zone), format=fmt, locale=current_language())

    @app.template_filter("local_date")
    def local_date(moment, zone: str | None = None, fmt: str = "medium"):
        if moment is None:
            return ""
        if isinstance(moment, datetime):
            moment = to_zone(moment, zone or "UTC").date()
        return format_date(moment, format=fmt, locale=current_language())

    @app.template_filter("local_time")
    def local_time(moment: datetime | None, zone: str = "Africa/Casablanca"):
        if moment is None:
            return ""
        return format_time(to_zone(moment, zone), format="short", locale=current_language())

    @app.template_filter("number")
    def number(value):
        return "" if value is None else format_decimal(value, locale=current_language())
