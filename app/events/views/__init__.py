"""The events blueprint: public pages, organisers' management, the information desk and the door."""

from functools import lru_cache

from flask import Blueprint

bp = Blueprint("events", __name__)

from app.events.views import (  # noqa: E402, F401
    card_links,
    desk,
    desk_accounts,
    door,
    door_offline,
    door_tally,
    manage,
    paper,
    public,
    recurrence,
)


@bp.context_processor
def template_enums():
    from app.accounts.models import Gender, Origin
    from app.events.models import AgeBand, Audience, EventStatus, EventType, RegistrationStatus, TallyGroup

    return {
        "EventType": EventType,
        "Audience": Audience,
        "EventStatus": EventStatus,
        "RegistrationStatus": RegistrationStatus,
        "AgeBand": AgeBand,
        "Gender": Gender,
        "Origin": Origin,
        "TallyGroup": TallyGroup,
    }


@bp.app_template_filter("event_moment")
def _event_moment(moment, zone: str) -> str:
    """ "8 Dec 2026 at 10:00" on the municipality's clock, without seconds."""
    from flask_babel import gettext

    from app.core.i18n import current_language

    if moment is None:
        return ""
    language = current_language()
    date, time = _moment_parts(moment, zone, language)
    return gettext("%(date)s at %(time)s", date=date, time=time)


@lru_cache(maxsize=8192)
def _moment_parts(moment, zone: str, language: str) -> tuple[str, str]:
    """The date and time texts, a pure function of their arguments: kept, as the list shows the
    same events on every visit (formatting costs ~80 µs, a cache hit well under 1 µs)."""
    from babel.dates import format_date, format_time

    from app.core.templating import babel_locale
    from app.core.time import to_zone

    local, locale = to_zone(moment, zone), babel_locale(language)
    date = format_date(local.date(), format="medium", locale=locale)
    return date, format_time(local, format="short", locale=locale)
