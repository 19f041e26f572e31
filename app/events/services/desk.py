"""The information desk: people with no email, phone or papers get a participant card."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import Participant, ParticipantCard
from app.core.audit import record_audit
from app.core.codes import new_card_code
from app.core.time import utcnow
from app.events.errors import DeskError
from app.events.models import Event, Registration
from app.events.permissions import can_manage_event, can_manage_municipality
from app.events.services.locking import rolls_back_on_refusal
from app.events.services.registration import register_for_event
from app.extensions import db


def _unused_card_code() -> str:
    while True:
        code = new_card_code()
        if db.session.scalar(sa.select(ParticipantCard.id).filter_by(code=code)) is None:
            return code


@rolls_back_on_refusal
def create_card_holder(
    actor,
    municipality_id: int | None,
    display_name: str,
    phone: str | None = None,
    *,
    consent: bool = False,
    gender: str | None = None,
    birth_year: int | None = None,
    origin: str | None = None,
    country_code: str | None = None,
    phone_shared: bool = True,
) -> ParticipantCard:
    """A participant known by a name or nickname, and their first card. Participation data is
    kept only when the organiser records that the person agreed."""
    if municipality_id is None or not can_manage_municipality(actor, municipality_id):
        raise DeskError(
            _("Choose one of the municipalities you organise for."), "municipality_forbidden",
            field="municipality_id",
        )
    display_name = (display_name or "").strip()
    if not display_name:
        raise DeskError(_("Give a name or a nickname."), "name_missing", field="display_name")
    has_data = any((gender, birth_year, origin, country_code))
    if has_data and not consent:
        raise DeskError(
            _(
                "Participation data can only be kept when the person agrees: tick the consent box or "
                "leave these fields empty."
            ),
            "consent_missing",
            field="consent",
        )
    participant = Participant(display_name=display_name, phone=(phone or "").strip() or None,
                              phone_shared=bool(phone_shared))
    if has_data:
        participant.gender = gender
        participant.birth_year = birth_year
        participant.origin = origin
        participant.country_code = (country_code or "").upper() or None
        participant.consent_at = utcnow()
        participant.consent_recorded_by_id = actor.id
    card = ParticipantCard(
        participant=participant,
        code=_unused_card_code(),
        issued_by_id=actor.id,
        municipality_id=municipality_id,
    )
    db.session.add_all([participant, card])
    db.session.flush()
    record_audit("participant_card.issued", actor, participant, consent=has_data)
    db.session.commit()
    return card


@rolls_back_on_refusal
def reissue_card(actor, participant_id: int) -> ParticipantCard:
    """A lost card: the old codes stop working at once, a new one is printed."""
    participant = db.session.get(Participant, participant_id)
    if participant is None:
        raise DeskError(_("This person does not exist."), "not_found", status=404)
    now = utcnow()
    for card in participant.cards:
        if card.is_active:
            card.is_active = False
            card.revoked_at = now
    # The new card belongs to the same desk as the one it replaces.
    latest = max(participant.cards, key=lambda card: (card.issued_at, card.id), default=None)
    card = ParticipantCard(
        participant=participant,
        code=_unused_card_code(),
        issued_by_id=actor.id,
        municipality_id=latest.municipality_id if latest else None,
    )
    db.session.add(card)
    db.session.flush()
    record_audit("participant_card.reissued", actor, participant)
    db.session.commit()
    return card


@rolls_back_on_refusal
def register_card_holder(actor, participant_id: int, event_id: int | None) -> Registration:
    event = db.session.get(Event, event_id) if event_id is not None else None
    if event is None or not can_manage_event(actor, event):
        raise DeskError(_("Choose one of the events you organise."), "event_forbidden", field="event_id")
    if db.session.get(Participant, participant_id) is None:
        raise DeskError(_("This person does not exist."), "not_found", status=404)
    return register_for_event(event.id, participant_id)
