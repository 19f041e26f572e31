"""The events domain's part of a person's data: their registrations and their presence at sessions."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.events.models import (
    Attendance,
    CardLinkRequest,
    Event,
    EventSession,
    LinkRequestStatus,
    Registration,
)
from app.events.services.registration import release_future_registrations
from app.extensions import db
from app.privacy.when import when

EXPORTS = {
    "registration.participant_id": "registrations (ticket codes of active ones only)",
    "attendance.participant_id": "attendances per session",
    "attendance.checked_in_by_id": "not exported: the organiser at the door",
    "attendance_tally.participant_id": "not exported: a count of the attendances already in the file",
    "event.created_by_id": "not exported: the organiser who created an event",
    "card_link_request.card_holder_id": "not exported: the card holder's side (the desk's page shows it)",
    "card_link_request.account_id": "card_link_requests",
    "card_link_request.requested_by_id": "not exported: the organiser at the desk",
    "paper_sheet.typed_by_id": "not exported: the organiser who typed a session's paper sheet in",
}
ERASES = {
    "registration.participant_id": "future registrations given back (the first people waiting "
    "promoted); past ones kept for the reports, naming nobody",
    "attendance.participant_id": "kept: presence counts anonymously once the person is erased",
    "attendance.checked_in_by_id": "kept: the organiser's act",
    "attendance_tally.participant_id": "kept, as the attendances it counts",
    "event.created_by_id": "kept: the event is the municipality's",
    "card_link_request.card_holder_id": "pending requests removed; answered ones name nobody",
    "card_link_request.account_id": "pending requests removed (as card_holder_id)",
    "card_link_request.requested_by_id": "kept: the organiser's act",
    "paper_sheet.typed_by_id": "kept: the organiser's act",
}


def export(participant_id: int, language: str) -> dict:
    return {
        "registrations": _registrations(participant_id, language),
        "attendances": _attendances(participant_id, language),
        "card_link_requests": _card_link_requests(participant_id),
    }


def _card_link_requests(participant_id: int) -> list[dict]:
    """Requests the desk sent to this account to link a participant card (never the card holder's
    data: the account holder sees what the request page shows)."""
    rows = db.session.scalars(
        sa.select(CardLinkRequest)
        .join(User, User.id == CardLinkRequest.account_id)
        .where(User.participant_id == participant_id)
        .order_by(CardLinkRequest.created_at, CardLinkRequest.id)
    )
    return [
        {
            "requested_at": when(request.created_at),
            "expires_at": when(request.expires_at),
            "status": request.status,
            "decided_at": when(request.decided_at),
        }
        for request in rows
    ]


def _registrations(participant_id: int, language: str) -> list[dict]:
    rows = db.session.scalars(
        sa.select(Registration)
        .where(Registration.participant_id == participant_id)
        .options(joinedload(Registration.event))
        .order_by(Registration.created_at, Registration.id)
    )
    return [
        {
            "event_id": registration.event_id,
            "event_title": registration.event.title(language),
            "event_starts_at": when(registration.event.starts_at),
            "status": registration.status,
            "ticket_code": registration.ticket_code if registration.is_active else None,
            "registered_at": when(registration.created_at),
            "confirmed_at": when(registration.confirmed_at),
            "cancelled_at": when(registration.cancelled_at),
        }
        for registration in rows
    ]


def _attendances(participant_id: int, language: str) -> list[dict]:
    rows = db.session.execute(
        sa.select(Attendance, EventSession, Event)
        .join(EventSession, EventSession.id == Attendance.session_id)
        .join(Event, Event.id == Attendance.event_id)
        .where(Attendance.participant_id == participant_id)
        .order_by(EventSession.starts_at, Attendance.id)
    )
    return [
        {
            "event_id": event.id,
            "event_title": event.title(language),
            "session_starts_at": when(session.starts_at),
            "checked_in_at": when(attendance.checked_in_at),
        }
        for attendance, session, event in rows
    ]


def erase(participant_id: int, now) -> int:
    """Future registrations given back through the events service, and card link requests still
    waiting for an answer removed (from the card holder's side or the account's); returns how many
    registrations were cancelled."""
    account_ids = sa.select(User.id).where(User.participant_id == participant_id)
    db.session.execute(
        sa.delete(CardLinkRequest).where(
            CardLinkRequest.status == LinkRequestStatus.PENDING,
            sa.or_(
                CardLinkRequest.card_holder_id == participant_id, CardLinkRequest.account_id.in_(account_ids)
            ),
        )
    )
    return release_future_registrations(participant_id, now)
