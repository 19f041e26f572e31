"""Linking a participant card to an account: asked at the desk, decided by the account holder.

The organiser types the code read from the card the person holds (so the person is there) and the
account's email or phone. The desk always gets the same answer, so it learns nothing about which
accounts exist. The account holder is told through the outbox and confirms or declines on their own
page; only their confirmation moves cards, registrations and attendances, and the participation
answers recorded at the desk move only if they tick a separate consent box.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import Participant, User
from app.accounts.services import find_by_identifier
from app.core.audit import record_audit
from app.core.codes import normalise_code
from app.core.notifications import queue_notification
from app.core.time import utcnow
from app.events import tally
from app.events.errors import DeskError
from app.events.models import Attendance, CardLinkRequest, LinkRequestStatus, Registration
from app.events.services.locking import rolls_back_on_refusal
from app.extensions import db

REQUEST_DAYS = 7
# What the desk records with consent; a link moves it only with the account holder's own consent.
ANSWER_COLUMNS = ("gender", "birth_year", "origin", "country_code")
PARTICIPATION_COLUMNS = (*ANSWER_COLUMNS, "consent_at", "consent_recorded_by_id")


@rolls_back_on_refusal
def request_card_link(
    actor, participant_id: int, typed_code: str, email_or_phone: str
) -> CardLinkRequest | None:
    """A pending request for the account with this identifier, if there is one (None otherwise: the
    caller answers the same either way). The typed code must be the holder's active card."""
    card_holder = db.session.get(Participant, participant_id)
    if card_holder is None:
        raise DeskError(_("This person does not exist."), "not_found", status=404)
    if card_holder.user is not None:
        raise DeskError(_("This card is already linked to an account."), "already_linked")
    active = next((card for card in card_holder.cards if card.is_active), None)
    code = normalise_code(typed_code)
    if active is None or code is None or code != active.code:
        raise DeskError(
            _("This is not the code of this person's card. Type it as printed on the card they hold."),
            "wrong_code",
            field="card_code",
        )
    if not (email_or_phone or "").strip():
        raise DeskError(_("Give the email address or phone number of the account."), "account_missing",
                        field="account")
    account = next(
        (user for user in find_by_identifier(email_or_phone) if not user.is_disabled and not user.is_deleted),
        None,
    )
    if account is None:
        return None
    now = utcnow()
    # One pending request per card: the newest replaces the older (perhaps a mistyped address).
    db.session.execute(
        sa.update(CardLinkRequest)
        .where(
            CardLinkRequest.card_holder_id == card_holder.id,
            CardLinkRequest.status == LinkRequestStatus.PENDING,
        )
        .values(status=LinkRequestStatus.REPLACED, decided_at=now)
    )
    link_request = CardLinkRequest(
        card_holder_id=card_holder.id,
        account_id=account.id,
        requested_by_id=actor.id,
        municipality_id=active.municipality_id,
        status=LinkRequestStatus.PENDING,
        created_at=now,
        expires_at=now + timedelta(days=REQUEST_DAYS),
    )
    db.session.add(link_request)
    db.session.flush()
    # The message names the desk, never the card holder: the address may have been mistyped.
    queue_notification(account.participant_id, "card_link_requested", request_id=link_request.id,
                       municipality_id=active.municipality_id, days=REQUEST_DAYS)
    record_audit("participant_card.link_requested", actor, card_holder, request_id=link_request.id)
    db.session.commit()
    return link_request


def what_would_move(link_request: CardLinkRequest) -> dict:
    """What the account holder is shown before deciding: counts, and which answers (not their values:
    the page may be read by the wrong person if the address was mistyped)."""
    holder_id = link_request.card_holder_id
    registrations = db.session.scalar(
        sa.select(sa.func.count()).select_from(Registration).where(Registration.participant_id == holder_id)
    )
    attendances = db.session.scalar(
        sa.select(sa.func.count()).select_from(Attendance).where(Attendance.participant_id == holder_id)
    )
    holder = link_request.card_holder
    answers = [column for column in ANSWER_COLUMNS if getattr(holder, column) is not None]
    return {"registrations": registrations, "attendances": attendances, "answers": answers}


def _locked_open_request(account: User, request_id: int) -> CardLinkRequest:
    link_request = db.session.scalar(
        sa.select(CardLinkRequest)
        .where(CardLinkRequest.id == request_id, CardLinkRequest.account_id == account.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if link_request is None or not link_request.is_open:
        raise DeskError(_("This request is no longer waiting for an answer."), "not_open", status=404)
    return link_request


@rolls_back_on_refusal
def confirm_card_link(account: User, request_id: int, *, move_answers: bool) -> CardLinkRequest:
    """The account holder says the card is theirs: its history moves to their account."""
    link_request = _locked_open_request(account, request_id)
    card_holder = link_request.card_holder
    if card_holder.user is not None or card_holder.erased_at is not None:
        raise DeskError(_("This request is no longer waiting for an answer."), "not_open", status=404)
    _move_history(card_holder, account.participant, move_answers=move_answers, consenting=account)
    link_request.status = LinkRequestStatus.CONFIRMED
    link_request.decided_at = utcnow()
    record_audit("participant_card.linked", account, account.participant, card_holder_id=card_holder.id,
                 request_id=link_request.id, answers_moved=move_answers)
    db.session.commit()
    return link_request


@rolls_back_on_refusal
def decline_card_link(account: User, request_id: int) -> CardLinkRequest:
    """Not their card, or not now: nothing moves."""
    link_request = _locked_open_request(account, request_id)
    link_request.status = LinkRequestStatus.DECLINED
    link_request.decided_at = utcnow()
    record_audit(
        "participant_card.link_declined", account, link_request.card_holder, request_id=link_request.id
    )
    db.session.commit()
    return link_request


def _shared(model, column, card_holder: Participant, target: Participant) -> int:
    """How many of `target`'s rows of `model` share `column` (an event, a session) with the card
    holder's: both registered for one event, or both present at one session."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(model)
        .where(
            model.participant_id == target.id,
            column.in_(sa.select(column).where(model.participant_id == card_holder.id)),
        )
    )


def _move_history(
    card_holder: Participant, target: Participant, *, move_answers: bool, consenting: User
) -> None:
    """Cards, registrations and attendances move to the account's participant, so the person keeps
    counting as one; the desk's answers move only with `move_answers`, and are erased otherwise."""
    both_events = _shared(Registration, Registration.event_id, card_holder, target)
    both_sessions = _shared(Attendance, Attendance.session_id, card_holder, target)
    if both_events or both_sessions:
        raise DeskError(
            _(
                "This account and this card are both registered for the same event. Cancel one of the two "
                "registrations first."
            ),
            "both_registered",
        )
    db.session.execute(
        sa.update(Registration)
        .where(Registration.participant_id == card_holder.id)
        .values(participant_id=target.id)
    )
    db.session.execute(
        sa.update(Attendance)
        .where(Attendance.participant_id == card_holder.id)
        .values(participant_id=target.id)
    )
    tally.recount([card_holder.id, target.id])  # the bulk update bypasses the ORM's tally upkeep
    for card in list(card_holder.cards):
        card.participant = target
    if move_answers and not target.has_consented and card_holder.has_consented:
        for column in ANSWER_COLUMNS:
            setattr(target, column, getattr(card_holder, column))
        # The consent is now the account holder's own, given on the confirmation page.
        target.consent_at = utcnow()
        target.consent_recorded_by_id = consenting.id
    # The card holder's own row stays (other records may point at it) but keeps nothing personal.
    for column in ("phone", *PARTICIPATION_COLUMNS):
        setattr(card_holder, column, None)

