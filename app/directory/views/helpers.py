"""What the directory's templates ask of an entry: its text in the reader's language (or a marked
fallback), freshness, open state, language names, and the links a phone opens."""

import re

from flask import current_app
from markupsafe import Markup

from app.core.forms import WEEKDAY_LABELS
from app.core.i18n import current_language
from app.core.languages import language_name
from app.core.qr import qr_svg
from app.core.time import utcnow
from app.directory import hours, queries
from app.directory.models import ProviderKind
from app.directory.needs import Need
from app.directory.views import bp


@bp.app_template_global("dir_text")
def dir_text(service, field: str):
    """(text, language, is_fallback) of a translated field for the reader."""
    language = current_language()
    text, code = service.text(field, language)
    return text, code, code != language


@bp.app_template_global("dir_stale")
def dir_stale(service) -> bool:
    return queries.is_stale(service)


@bp.app_template_global("dir_stale_days")
def dir_stale_days() -> int:
    return queries.stale_days()


@bp.app_template_global("dir_open_state")
def dir_open_state(service):
    return hours.open_state(service, utcnow())


@bp.app_template_global("dir_language_name")
def dir_language_name(code: str) -> str:
    return language_name(code, current_language())


@bp.app_template_global("dir_hours")
def dir_hours(service) -> dict[int, str]:
    return hours.weekly_text(service)


@bp.app_template_global("dir_exceptions")
def dir_exceptions(service):
    return hours.exceptions_of(service)


@bp.app_template_filter("tel_digits")
def tel_digits(number: str) -> str:
    """"+212 5 36 00" → "+212536 00" without spaces: what tel: and wa.me take."""
    cleaned = re.sub(r"[^0-9+]", "", number or "")
    return cleaned


@bp.app_template_filter("wa_digits")
def wa_digits(number: str) -> str:
    return re.sub(r"[^0-9]", "", number or "")


@bp.app_template_global("dir_qr")
def dir_qr(url: str, title: str) -> Markup:
    """A QR code carrying an entry's public URL, small enough for a brochure's row."""
    return qr_svg(url, title, scale=3)


@bp.app_template_global("need_label")
def need_label(value: str) -> str:
    return Need(value).label


@bp.app_template_global("weekday_label")
def weekday_label(day: int) -> str:
    return str(WEEKDAY_LABELS[day])


@bp.app_template_filter("provider_kind_label")
def provider_kind_label(value: str) -> str:
    return ProviderKind(value).label


@bp.app_template_global("now_date")
def now_date() -> str:
    return current_app.jinja_env.filters["local_date"](utcnow())
