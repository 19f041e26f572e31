"""Directory entries, written through the directory's own service so they are what organisers make."""

from datetime import timedelta

from app.core.time import utcnow
from app.directory import services
from app.directory.models import Service
from app.extensions import db
from tests.factories.accounts import make_organiser

__all__ = ["make_report", "make_service", "service_data"]


def service_data(municipality, **fields) -> services.ServiceData:
    defaults = {
        "municipality_id": municipality.id,
        "provider_name": "Association Les Amis",
        "provider_kind": "ngo",
        "name": {"fr": "Permanence juridique", "ar": "مداومة قانونية", "en": "Legal aid desk"},
        "description": {
            "fr": "Conseil juridique gratuit.",
            "ar": "استشارة قانونية مجانية.",
            "en": "Free legal advice.",
        },
        "needs": ["legal_aid"],
        "languages": ["fr", "ar", "wo"],
        "walk_in": True,
        "no_documents_needed": True,
        "phone": "+212 536 00 00 00",
        "whatsapp": "+212 600 00 00 00",
        "address": {"fr": "12 rue de la Paix", "ar": "12 زنقة السلام"},
        "latitude": 34.68,
        "longitude": -1.91,
        "weekly_hours": {0: "09:00-12:00, 14:00-17:00", 2: "09:00-12:00"},
    }
    defaults.update(fields)
    return services.ServiceData(**defaults)


def make_service(municipality, actor=None, verified_days_ago: int | None = 0, **fields) -> Service:
    # An organiser of the entry's town, not a second administrator (who would change who may leave).
    actor = actor or make_organiser(municipality, display_name="Directory organiser")
    service = services.create_service(actor, service_data(municipality, **fields))
    if verified_days_ago is None:
        service.verified_at = None
    else:
        service.verified_at = utcnow() - timedelta(days=verified_days_ago)
    db.session.commit()
    return service


def make_report(service, user, reason: str = "The phone number no longer answers."):
    return services.report_service(user, service, reason)
