"""The members of a group proposal entered at the desk: card codes typed by the organiser, resolved to
the people they were issued to, in one query, before anything is written.

Only cards issued by the desks of the organiser's own municipalities are accepted: a card of another
municipality is refused like an unknown code, naming nobody. A code typed twice, or the card of the
person who brought the proposal, counts once.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import ParticipantCard, Role
from app.accounts.municipalities import municipality_ids_for
from app.core.codes import is_card_code, normalise_code
from app.extensions import db
from app.proposals.errors import ProposalError
from app.proposals.models import ProposalMember

MAX_MEMBERS = 500  # a group at an event, not a petition
# Codes are typed as heard, spaces included ("k7mw 4qxa"): lines, commas and semicolons separate them.
_SEPARATORS = re.compile(r"[\n,;]+")


def split_codes(typed: str | None) -> list[str]:
    """The codes as typed, in order, blanks dropped."""
    return [part.strip() for part in _SEPARATORS.split(typed or "") if part.strip()]


def member_participant_ids(entered_by, typed: str | None, brought_by: int | None) -> list[int]:
    """The participant ids of the members whose codes are typed, each once and without the person
    who brought the proposal (`brought_by`), or ProposalError naming the first code refused."""
    codes: dict[str, str] = {}  # normalised -> as typed, first typing wins
    for raw in split_codes(typed):
        code = normalise_code(raw)
        if code is None or not is_card_code(code):
            raise ProposalError(
                _("“%(code)s” is not a participant card code (eight letters and digits).", code=raw),
                code="member_card",
            )
        codes.setdefault(code, raw)
    if len(codes) > MAX_MEMBERS:
        raise ProposalError(
            _("A group records at most %(count)s members with a card.", count=MAX_MEMBERS), code="member_card"
        )
    if not codes:
        return []
    found = dict(
        db.session.execute(
            sa.select(ParticipantCard.code, ParticipantCard)
            .where(ParticipantCard.code.in_(codes), ParticipantCard.is_active)
        ).all()
    )
    own = municipality_ids_for(entered_by, Role.ORGANISER)  # None: administrators, every desk
    people: list[int] = []
    for code, raw in codes.items():
        card = found.get(code)
        if card is None or (own is not None and card.municipality_id not in own):
            # Another municipality's card is answered like an unknown one: the desk learns nothing of it.
            raise ProposalError(
                _("No active participant card has the code “%(code)s”.", code=raw), code="member_card"
            )
        if card.participant_id != brought_by and card.participant_id not in people:
            people.append(card.participant_id)
    return people


def add_members(proposal_id: int, participant_ids: list[int]) -> None:
    db.session.add_all(ProposalMember(proposal_id=proposal_id, participant_id=pid) for pid in participant_ids)
