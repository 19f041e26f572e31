"""The events blueprint: public pages, organisers' management, the information desk and the door."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from app.events.views import desk, door, manage, public  # noqa: E402, F401


@bp.context_processor
def _enums():
    from app.accounts.models import Gender, Origin
    from app.events.models import AgeBand, Audience, EventStatus, EventType, RegistrationStatus

    return {
        "EventType": EventType,
        "Audience": Audience,
        "EventStatus": EventStatus,
        "RegistrationStatus": RegistrationStatus,
        "AgeBand": AgeBand,
        "Gender": Gender,
        "Origin": Origin,
    }


@bp.app_template_filter("event_moment")
def _event_moment(moment, zone: str) -> str:
    """ "8 Dec 2026 at 10:00" on the municipality's clock, without seconds."""
    from babel.dates import format_date, format_time
    from flask_babel import gettext

    from app.core.i18n import current_language
    from app.core.time import to_zone

    if moment is None:
        return ""
    local, language = to_zone(moment, zone), current_language()
    return gettext(
        "%(date)s at %(time)s",
        date=format_date(local.date(), format="medium", locale=language),
        time=format_time(local, format="short", locale=language),
    )
