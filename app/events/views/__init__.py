"""The events blueprint: public pages, organisers' management, the information desk and the door."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from app.events.views import desk, door, manage, public  # noqa: E402, F401


@bp.context_processor
def _enums():
    from app.accounts.models import Gender, Origin
    from app.events.models import AgeBand, Audience, EventStatus, EventType, RegistrationStatus

    return {
        "EventType": EventType, "Audience": Audience, "EventStatus": EventStatus,
        "RegistrationStatus": RegistrationStatus, "AgeBand": AgeBand, "Gender": Gender, "Origin": Origin,
    }
