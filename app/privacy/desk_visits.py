"""The desk's part of a person's data: the visits linked to their participant card, with the services
they were referred to and what came of it. Erasure keeps the visits (the desk's figures do not change)
naming nobody: the erased participant row has no name and no answers left, so reports count the visit
as "not recorded", as they do attendances."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.directory.visits import DeskVisit
from app.extensions import db
from app.privacy.when import when

EXPORTS = {
    "desk_visit.participant_id": "desk_visits",
    "desk_visit.recorded_by_id": "not exported: the organiser at the desk",
    "referral.outcome_by_id": "not exported: the organiser who recorded the outcome",
}
ERASES = {
    "desk_visit.participant_id": "kept: the visit counts anonymously once the person is erased",
    "desk_visit.recorded_by_id": "kept: the organiser's act",
    "referral.outcome_by_id": "kept: the organiser's act",
}


def export(participant_id: int | None, language: str) -> dict:
    if participant_id is None:
        return {"desk_visits": []}
    visits = db.session.scalars(
        sa.select(DeskVisit)
        .where(DeskVisit.participant_id == participant_id)
        .options(selectinload(DeskVisit.referrals))
        .order_by(DeskVisit.visited_at, DeskVisit.id)
    )
    return {
        "desk_visits": [
            {
                "visited_at": when(visit.visited_at),
                "desk": visit.municipality.name(language),
                "topics": [str(topic.label) for topic in visit.topic_list],
                "referrals": [
                    {
                        "service": referral.service.text("name", language)[0],
                        "outcome": str(referral.state.label),
                    }
                    for referral in visit.referrals
                ],
            }
            for visit in visits
        ]
    }
