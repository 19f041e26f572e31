"""The information desk: people with no email, phone or papers get a participant card."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import Participant, ParticipantCard, User
from app.core.audit import record_audit
from app.core.codes import new_card_code
from app.core.time import utcnow
from app.events import tally
from app.events.errors import DeskError
from app.events.models import Attendance, Event, Registration
from app.events.permissions import can_manage_event
from app.events.services.locking import rolls_back_on_refusal
from app.events.services.registration import register_for_event
from app.extensions import db

PARTICIPATION_COLUMNS = (
    "gender",
    "birth_year",
    "origin",
    "country_code",
    "consent_at",
    "consent_recorded_by_id",
)


def _unused_card_code() -> str:
    while True:
        code = new_card_code()
        if db.session.scalar(sa.select(ParticipantCard.id).filter_by(code=code)) is None:
            return code


@rolls_back_on_refusal
def create_card_holder(
    actor,
    display_name: str,
    phone: str | None = None,
    *,
    consent: bool = False,
    gender: str | None = None,
    birth_year: int | None = None,
    origin: str | None = None,
    country_code: str | None = None,
) -> ParticipantCard:
    """A participant known by a name or nickname, and their first card. Participation data is
    kept only when the organiser records that the person agreed."""
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
    participant = Participant(display_name=display_name, phone=(phone or "").strip() or None)
    if has_data:
        participant.gender = gender
        participant.birth_year = birth_year
        participant.origin = origin
        participant.country_code = (country_code or "").upper() or None
        participant.consent_at = utcnow()
        participant.consent_recorded_by_id = actor.id
    card = ParticipantCard(participant=participant, code=_unused_card_code(), issued_by_id=actor.id)
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
    card = ParticipantCard(participant=participant, code=_unused_card_code(), issued_by_id=actor.id)
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


@rolls_back_on_refusal
def link_card_to_account(actor, participant_id: int, email_or_phone: str) -> User:
    """The card holder now has an account: their cards, registrations and attendances move to the
    account's participant, so they keep counting as one person."""
    card_holder = db.session.get(Participant, participant_id)
    if card_holder is None:
        raise DeskError(_("This person does not exist."), "not_found", status=404)
    if card_holder.user is not None:
        raise DeskError(_("This card is already linked to an account."), "already_linked")
    wanted = (email_or_phone or "").strip()
    user = (
        db.session.scalar(
            sa.select(User).where(sa.or_(sa.func.lower(User.email) == wanted.lower(), User.phone == wanted))
        )
        if wanted
        else None
    )
    if user is None:
        raise DeskError(
            _("No account has this email address or phone number."), "account_not_found", field="account"
        )
    target_id = user.participant_id
    both_events = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.participant_id == target_id,
            Registration.event_id.in_(
                sa.select(Registration.event_id).where(Registration.participant_id == card_holder.id)
            ),
        )
    )
    both_sessions = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Attendance)
        .where(
            Attendance.participant_id == target_id,
            Attendance.session_id.in_(
                sa.select(Attendance.session_id).where(Attendance.participant_id == card_holder.id)
            ),
        )
    )
    if both_events or both_sessions:
        raise DeskError(
            _(
                "This account and this card are both registered for the same event. Cancel one of the two "
                "registrations first."
            ),
            "both_registered",
            field="account",
        )
    db.session.execute(
        sa.update(Registration)
        .where(Registration.participant_id == card_holder.id)
        .values(participant_id=target_id)
    )
    db.session.execute(
        sa.update(Attendance)
        .where(Attendance.participant_id == card_holder.id)
        .values(participant_id=target_id)
    )
    tally.recount([card_holder.id, target_id])  # the bulk update bypasses the ORM's tally upkeep
    target = user.participant
    for card in list(card_holder.cards):
        card.participant = target
    if not target.has_consented and card_holder.has_consented:
        for column in PARTICIPATION_COLUMNS:
            setattr(target, column, getattr(card_holder, column))
    # The card holder's own row stays (other records may point at it) but keeps nothing personal.
    for column in ("phone", *PARTICIPATION_COLUMNS):
        setattr(card_holder, column, None)
    record_audit("participant_card.linked", actor, target, card_holder_id=card_holder.id)
    db.session.commit()
    return user
