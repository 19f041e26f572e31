"""Card holders' data rights at the desk, with the card present (its code typed): what Jiwar holds
about them, and erasing them. Account holders do the same from their account (personal_data.py).

The card's code, read from the card and typed by the organiser, stands for the person's presence:
a code of any other card (another person's, a replaced one) opens nothing and writes nothing.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.accounts.models import Municipality, Participant, ParticipantCard
from app.accounts.municipalities import municipalities_by_id
from app.core.audit import record_audit
from app.core.time import utcnow
from app.events.errors import DeskError
from app.events.models import Attendance, Event, EventSession, Registration
from app.events.services.desk_rights import check_card_present
from app.events.services.locking import rolls_back_on_refusal
from app.extensions import db
from app.privacy import desk_visits, proposals
from app.privacy.personal_data import erase_participant


@dataclass
class CardHolderData:
    """Everything the "your data" page shows, read in a fixed number of queries."""

    participant: Participant
    cards: list[ParticipantCard]
    registrations: list[Registration]
    attendances: list[tuple[Attendance, EventSession, Event]]
    proposals: list
    desks: list[Municipality]  # where to ask: the municipalities whose desks issued the cards
    zone: str  # the clock dates are shown on: the first desk's
    desk_visits: list  # visits recorded with the card, their referrals and outcomes


def card_holder_data(
    actor, participant: Participant, typed_code: str | None, language: str
) -> CardHolderData:
    """The person's data, once their card is shown; the viewing is recorded (never the values)."""
    check_card_present(participant, typed_code)
    cards = sorted(participant.cards, key=lambda card: (card.issued_at, card.id))
    desk_ids = {card.municipality_id for card in cards if card.municipality_id is not None}
    desks = municipalities_by_id(desk_ids)
    desks.sort(key=lambda desk: desk.name(language))
    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.participant_id == participant.id)
            .options(joinedload(Registration.event).joinedload(Event.municipality))
            .order_by(Registration.created_at, Registration.id)
        )
    )
    attendances = list(
        db.session.execute(
            sa.select(Attendance, EventSession, Event)
            .join(EventSession, EventSession.id == Attendance.session_id)
            .join(Event, Event.id == Attendance.event_id)
            .where(Attendance.participant_id == participant.id)
            .options(joinedload(Event.municipality))
            .order_by(EventSession.starts_at, Attendance.id)
        )
    )
    data = CardHolderData(
        participant=participant,
        cards=cards,
        registrations=registrations,
        attendances=attendances,
        proposals=proposals.linked_to(participant.id),
        desks=desks,
        zone=desks[0].timezone if desks else "Africa/Casablanca",
        desk_visits=desk_visits.export(participant.id, language)["desk_visits"],
    )
    record_audit("participant.data_viewed", actor, participant, language=language)
    db.session.commit()
    return data


@rolls_back_on_refusal
def erase_card_holder(actor, participant: Participant, typed_code: str | None) -> int:
    """Erase the card holder in one transaction, as account deletion does: future registrations given
    back (the first people waiting promoted), cards deactivated, name, phone and answers erased;
    presence at past sessions and proposals stay, without a name. Returns how many registrations
    were cancelled."""
    check_card_present(participant, typed_code)
    if participant.user is not None:
        # Deleting an account is its holder's act, with their password: the desk does not do it.
        raise DeskError(
            _("This person has an account: they delete it themselves from “Your data” in their "
              "account, or withdraw their consent there."),
            "has_account",
        )
    cancelled = erase_participant(participant, utcnow())
    record_audit("participant.erased", actor, participant, registrations_cancelled=cancelled)
    db.session.commit()
    return cancelled
