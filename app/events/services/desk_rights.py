"""Data rights of card holders that stay within events and accounts: the card shown at the desk, and
withdrawing their consent. Their data page and their erasure read and act on every domain: they are
in app/privacy (desk.py).

The card's code, read from the card and typed by the organiser, stands for the person's presence:
a code of any other card (another person's, a replaced one) opens nothing and writes nothing.
"""

from flask_babel import gettext as _

from app.accounts.models import Participant
from app.accounts.services import clear_participation
from app.core.audit import record_audit
from app.core.codes import normalise_code
from app.events.errors import DeskError
from app.events.services.locking import rolls_back_on_refusal
from app.extensions import db


def check_card_present(participant: Participant, typed: str | None) -> None:
    """The typed code is one of this person's active cards, or DeskError (field "code")."""
    code = normalise_code(typed)
    if code is None or not any(card.is_active and card.code == code for card in participant.cards):
        raise DeskError(_("The code does not match any card of this person."), "card_not_shown",
                        field="code")


@rolls_back_on_refusal
def withdraw_card_holder_consent(actor, participant: Participant, typed_code: str | None) -> None:
    """The answers and the consent erased; attendances stay in the totals as "not recorded" (the
    reports' roll-ups follow in the same flush)."""
    check_card_present(participant, typed_code)
    had_consented = participant.has_consented
    clear_participation(participant)
    record_audit("participant.consent_withdrawn", actor, participant, had_consented=had_consented)
    db.session.commit()
