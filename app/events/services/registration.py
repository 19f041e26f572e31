"""Registration and its waiting list. Seats and counters only change under the event's row lock."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Municipality
from app.core.codes import new_ticket_code
from app.core.notifications import queue_notification
from app.core.time import utcnow
from app.events.errors import RegistrationError
from app.events.models import Event, Registration, RegistrationStatus, RegistrationWindow
from app.events.services.locking import lock_event, rolls_back_on_refusal
from app.extensions import db


def _refuse_if_closed(event: Event) -> None:
    state = event.registration_state(utcnow())
    if state == RegistrationWindow.CANCELLED:
        raise RegistrationError(_("This event has been cancelled: registration is closed."), "cancelled")
    if state == RegistrationWindow.DRAFT:
        raise RegistrationError(_("This event is not published yet."), "draft", status=404)
    if state == RegistrationWindow.PAST:
        raise RegistrationError(_("This event has already taken place: registration is closed."), "past")
    if state == RegistrationWindow.STARTED:
        raise RegistrationError(_("This event has already started: registration is closed."), "started")
    if state == RegistrationWindow.NOT_YET_OPEN:
        raise RegistrationError(_("Registration has not opened yet."), "not_open")
    if state == RegistrationWindow.CLOSED:
        raise RegistrationError(_("Registration for this event is closed."), "closed")


def _unused_ticket_code() -> str:
    while True:
        code = new_ticket_code()
        if db.session.scalar(sa.select(Registration.id).filter_by(ticket_code=code)) is None:
            return code


def _lock_with_queue_end(event_id: int) -> tuple[Event | None, datetime | None]:
    """The event under its row lock (lock_event's statement), read with what the registration needs
    next: the latest time a registration joined its queue, and its municipality (whose time zone
    the message's quiet hours follow). Each is a round trip less while the lock is held."""
    latest = (
        sa.select(sa.func.max(Registration.queued_at))
        .where(Registration.event_id == Event.id)
        .scalar_subquery()
    )
    row = db.session.execute(
        sa.select(Event, latest, Municipality)
        .join(Municipality, Municipality.id == Event.municipality_id)
        .where(Event.id == event_id)
        .with_for_update(of=Event)
        .execution_options(populate_existing=True)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def _time_in_queue(latest: datetime | None, now: datetime) -> datetime:
    """When a registration joins the event's queue: now, or just after the latest one when this app
    server's clock is behind the one that accepted it (several servers). `latest` is read under the
    event's lock, so the waiting list keeps the order in which registrations were accepted."""
    return now if latest is None or latest < now else latest + timedelta(microseconds=1)


def register_for_event(event_id: int, participant_id: int) -> Registration:
    """One step: a confirmed seat when one is left, otherwise the end of the waiting list. The same
    person pressing twice at once: the second finds the first's row when the unique constraint
    stops it, and is answered from it."""
    try:
        return _register(event_id, participant_id)
    except IntegrityError:
        db.session.rollback()
        return _register(event_id, participant_id)


@rolls_back_on_refusal
def _register(event_id: int, participant_id: int) -> Registration:
    # What needs no lock is read before it: the event's row lock is the rush's narrow door, and
    # every round trip made while holding it makes everyone behind wait (bench/CLUSTER.md).
    registration = db.session.scalar(
        sa.select(Registration).filter_by(event_id=event_id, participant_id=participant_id)
    )
    new_code = _unused_ticket_code() if registration is None else None
    event, latest = _lock_with_queue_end(event_id)
    if event is None:
        raise RegistrationError(_("This event does not exist."), "not_found", status=404)
    _refuse_if_closed(event)
    if registration is not None:  # one made before (perhaps cancelled): as it is now, under the lock
        db.session.refresh(registration)
        if registration.is_active:
            raise RegistrationError(_("You are already registered for this event."), "already_registered")
    now = utcnow()
    if registration is None:
        registration = Registration(event_id=event.id, participant_id=participant_id, ticket_code=new_code)
        db.session.add(registration)
    registration.queued_at = _time_in_queue(latest, now)
    registration.cancelled_at = None
    registration.promoted_at = None
    if event.capacity is None or (event.confirmed_count < event.capacity and event.waiting_count == 0):
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        event.confirmed_count += 1
    else:
        registration.status = RegistrationStatus.WAITING
        registration.confirmed_at = None
        event.waiting_count += 1
    db.session.flush()  # the registration's id, for the message
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    kind = "registration_confirmed" if confirmed else "registration_waiting"
    queue_notification(participant_id, kind, event_id=event.id, registration_id=registration.id)
    db.session.commit()
    return registration


@rolls_back_on_refusal
def cancel_registration(registration_id: int) -> Registration:
    """One step; a confirmed seat given back goes at once to the first person waiting."""
    registration = release_registration(registration_id)
    db.session.commit()
    return registration


def release_registration(registration_id: int) -> Registration:
    """Cancel under the event's lock and promote the waiting list, without committing: the caller's
    transaction (cancelling one registration, or deleting an account) commits it with the rest."""
    event_id = db.session.scalar(sa.select(Registration.event_id).filter_by(id=registration_id))
    event = lock_event(event_id) if event_id else None
    registration = db.session.scalar(
        sa.select(Registration).filter_by(id=registration_id).execution_options(populate_existing=True)
    )
    if event is None or registration is None:
        raise RegistrationError(_("This registration does not exist."), "not_found", status=404)
    if not registration.is_active:
        raise RegistrationError(_("This registration is already cancelled."), "already_cancelled")
    if event.starts_at <= utcnow():
        raise RegistrationError(
            _("This event has already taken place: the registration can no longer be cancelled."), "past"
        )
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    if was_confirmed:
        event.confirmed_count -= 1
    else:
        event.waiting_count -= 1
    db.session.flush()
    promote_waiting(event)
    return registration


def release_future_registrations(participant_id: int, now) -> int:
    """A person erased (their account deleted, or at the desk): each registration for an event not
    started yet is given back, so the first people waiting are promoted (under each event's lock,
    taken in id order). Past ones stay for the reports. Returns how many were cancelled; the caller
    commits."""
    future = db.session.scalars(
        sa.select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.participant_id == participant_id,
            Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)),
            Event.starts_at > now,
        )
        .order_by(Registration.event_id)
    ).all()
    cancelled = 0
    for registration_id in future:
        try:
            release_registration(registration_id)
        except RegistrationError:  # cancelled or started a moment ago: nothing to give back
            continue
        cancelled += 1
    return cancelled


def promote_waiting(event: Event) -> list[Registration]:
    """Fill the free seats from the waiting list in order. The caller holds the event's lock."""
    if event.is_cancelled or event.waiting_count == 0:
        return []
    free = None if event.capacity is None else event.capacity - event.confirmed_count
    if free is not None and free <= 0:
        return []
    statement = (
        sa.select(Registration)
        .filter_by(event_id=event.id, status=RegistrationStatus.WAITING)
        .order_by(Registration.queued_at, Registration.id)
    )
    if free is not None:
        statement = statement.limit(free)
    promoted = list(db.session.scalars(statement))
    now = utcnow()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.promoted_at = now
        queue_notification(
            registration.participant_id,
            "registration_promoted",
            event_id=event.id,
            registration_id=registration.id,
        )
    event.confirmed_count += len(promoted)
    event.waiting_count -= len(promoted)
    return promoted
