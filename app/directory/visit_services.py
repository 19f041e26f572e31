"""Every write of the desk: record a visit with its referrals, and later each referral's outcome.
Each function checks everything before it writes and commits once."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import AgeBand, Gender, Origin, ParticipantCard
from app.core.audit import record_audit
from app.core.codes import is_card_code, normalise_code
from app.core.time import utcnow
from app.directory import visit_queries
from app.directory.errors import DirectoryError
from app.directory.needs import Need
from app.directory.permissions import can_edit_services_of
from app.directory.visits import DeskVisit, Referral, ReferralOutcome
from app.extensions import db

MAX_REFERRALS = 10


class VisitError(DirectoryError):
    def __init__(self, message, code: str, field: str | None = None, status: int = 400):
        super().__init__(str(message), code, field)
        self.status = status


@dataclass
class VisitData:
    municipality_id: int | None
    topics: list[str] = field(default_factory=list)
    service_ids: list[int] = field(default_factory=list)
    card_code: str = ""
    gender: str | None = None
    age_band: str | None = None
    origin: str | None = None


def _refusing(function):
    from functools import wraps

    @wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except VisitError:
            db.session.rollback()
            raise

    return wrapper


def _card_holder_id(typed: str) -> int | None:
    """The holder of the active card whose code was typed in full (the person shows the card)."""
    if not (typed or "").strip():
        return None
    code = normalise_code(typed)
    holder = None
    if code is not None and is_card_code(code):
        holder = db.session.scalar(
            sa.select(ParticipantCard.participant_id).where(
                ParticipantCard.code == code, ParticipantCard.is_active.is_(True)
            )
        )
    if holder is None:
        raise VisitError(
            _("No active participant card has this code: check it on the card, or leave it empty."),
            "unknown_card",
            field="card_code",
        )
    return holder


@_refusing
def record_visit(actor, data: VisitData) -> DeskVisit:
    if data.municipality_id is None or not can_edit_services_of(actor, data.municipality_id):
        raise VisitError(
            _("You can only record visits at the desks of the municipalities you organise for."),
            "municipality_forbidden",
            field="municipality_id",
        )
    topics = [value for value in dict.fromkeys(data.topics) if value in Need._value2member_map_]
    if not topics:
        raise VisitError(_("Tick at least one topic of the visit."), "no_topic", field="topics")
    service_ids = list(dict.fromkeys(data.service_ids))
    if len(service_ids) > MAX_REFERRALS:
        raise VisitError(
            _("At most %(count)s services for one visit.", count=MAX_REFERRALS),
            "too_many",
            field="service_ids",
        )
    allowed = visit_queries.referable_service_ids(data.municipality_id, service_ids)
    if set(service_ids) - allowed:
        raise VisitError(_("Choose services from the list."), "service_unknown", field="service_ids")
    participant_id = _card_holder_id(data.card_code)
    visit = DeskVisit(
        municipality_id=data.municipality_id,
        visited_at=utcnow(),
        topics=",".join(topics),
        participant_id=participant_id,
        recorded_by_id=actor.id,
    )
    if participant_id is None:  # a linked visit keeps no answers of its own
        visit.anonymous_gender = data.gender if data.gender in Gender._value2member_map_ else None
        visit.anonymous_age_band = data.age_band if data.age_band in AgeBand._value2member_map_ else None
        visit.anonymous_origin = data.origin if data.origin in Origin._value2member_map_ else None
    visit.referrals = [Referral(service_id=service_id) for service_id in service_ids]
    db.session.add(visit)
    db.session.flush()
    record_audit("desk_visit.recorded", actor, visit, referrals=len(service_ids))
    db.session.commit()
    return visit


@_refusing
def set_referral_outcome(actor, referral_id: int, outcome: str) -> Referral:
    referral = visit_queries.referral_for(actor, referral_id)
    if referral is None:  # another desk's referral: as if it did not exist
        raise VisitError(_("This referral does not exist."), "not_found", status=404)
    if outcome not in ReferralOutcome._value2member_map_:
        raise VisitError(_("Choose what came of the referral."), "outcome_unknown", field="outcome")
    referral.outcome = outcome
    referral.outcome_at = utcnow()
    referral.outcome_by_id = actor.id
    record_audit("referral.outcome_recorded", actor, referral.visit, referral_id=referral.id, outcome=outcome)
    db.session.commit()
    return referral
