"""The directory's part of a person's data: the reports they filed that an entry is wrong. Erasure
keeps them (the correction still matters) naming nobody, like abuse reports."""

import sqlalchemy as sa

from app.directory.models import Service, ServiceReport
from app.extensions import db
from app.privacy.when import when

EXPORTS = {
    "service_report.reporter_id": "directory_reports",
    "service.verified_by_id": "not exported: the organiser's act of verifying an entry",
}
ERASES = {
    "service_report.reporter_id": "kept, naming nobody",
    "service.verified_by_id": "kept: the organiser's act",
}


def export(user, language: str) -> dict:
    rows = db.session.execute(
        sa.select(ServiceReport, Service)
        .join(Service, Service.id == ServiceReport.service_id)
        .where(ServiceReport.reporter_id == user.id)
        .order_by(ServiceReport.created_at, ServiceReport.id)
    )
    return {
        "directory_reports": [
            {
                "service_id": service.id,
                "service_name": service.text("name", language)[0],
                "reason": report.reason,
                "filed_at": when(report.created_at),
                "resolved": report.resolved_at is not None,
            }
            for report, service in rows
        ]
    }
