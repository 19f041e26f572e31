"""Door check-in, per session: idempotent, undoable, and walk-ins with or without a name.

The door names only the people its organiser can already see: this event's registrations, or
whoever holds a code typed or scanned (an active card, a ticket of this event). A bare participant id
proves nothing, so anyone else is refused with one message whoever the id belongs to.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Participant
from app.core.audit import record_audit
from app.core.codes import normalise_code
from app.core.templating import local_date_text, local_time_text
from app.core.time import utcnow
from app.events.door_queries import door_receipt_exists, find_by_code
from app.events.errors import DoorError
from app.events.models import AgeBand, Attendance, DoorReceipt, EventSession, RegistrationStatus
from app.events.queries import ACTIVE, registration_of
from app.events.services.locking import rolls_back_on_refusal
from app.extensions import db


def check_in_opens_at(session: EventSession) -> datetime:
    return session.starts_at - timedelta(hours=current_app.config["JIWAR_CHECK_IN_OPENS_HOURS"])


def check_in_not_open(session: EventSession, now: datetime | None = None) -> str | None:
    """Why the door of this session is not open yet (a translated sentence), or None once it is.
    It never closes again: after the session, organisers enter late corrections from paper sheets."""
    opens_at = check_in_opens_at(session)
    if (now or utcnow()) >= opens_at:
        return None
    zone = session.event.municipality.timezone
    return _(
        "Check-in opens at %(time)s on %(date)s.",
        time=local_time_text(opens_at, zone),
        date=local_date_text(opens_at, zone, "full"),
    )


def refuse_unless_open(session: EventSession) -> None:
    message = check_in_not_open(session)
    if message is not None:
        raise DoorError(message, "not_open")


def refuse_at_a_cancelled_event(session: EventSession) -> None:
    if session.event.is_cancelled:
        raise DoorError(_("This event has been cancelled."), "cancelled")


def _not_at_this_door() -> DoorError:
    # One message for an unknown id, someone never registered, staff, a code that is not theirs:
    # the answer must not tell apart who exists, nor name anyone.
    return DoorError(
        _(
            "Nobody registered for this event matches: find the person by their ticket or card code, "
            "or count them as a walk-in."
        ),
        "not_at_this_door",
    )


def _registration_at_the_door(session: EventSession, participant_id: int, code: str | None):
    """What lets the door name this person: the code the organiser typed or scanned, if it is theirs
    (their registration comes with it, if any), or else their registration for this event that is
    not cancelled. Anyone else: refused."""
    if code is not None:
        normalised = normalise_code(code)
        match = find_by_code(session.event_id, normalised) if normalised else None
        if match is not None and match.problem == "revoked":
            # A phone's list kept offline may be older than the card's reissue: say why, name nobody.
            message = _("This card was replaced by a new one: the old code no longer works.")
            raise DoorError(message, "revoked")
        if match is None or match.participant is None or match.participant.id != participant_id:
            raise _not_at_this_door()
        return match.registration
    registration = registration_of(session.event_id, participant_id)
    if registration is None or registration.status not in ACTIVE:
        raise _not_at_this_door()
    return registration


def already_received(client_id: str | None) -> bool:
    return client_id is not None and door_receipt_exists(client_id)


def commit_once(attendance: Attendance, session: EventSession, client_id: str | None) -> Attendance | None:
    """Records a walk-in with the phone's id for it; None when the same entry, sent twice at once
    (a queue replayed while its first send was still answering), was counted by the other request."""
    db.session.add(attendance)
    _keep_receipt(session, client_id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return attendance


def _keep_receipt(session: EventSession, client_id: str | None) -> None:
    if client_id is not None:
        db.session.add(DoorReceipt(client_id=client_id, session_id=session.id))


def _receive_alone(session: EventSession, client_id: str | None) -> None:
    """This entry's id, kept after its check-in lost the race to another phone's for the same person."""
    if client_id is None or door_receipt_exists(client_id):
        return
    _keep_receipt(session, client_id)
    try:
        db.session.commit()
    except IntegrityError:  # this entry, sent twice at once
        db.session.rollback()


def _attendance(session_id: int, participant_id: int) -> Attendance | None:
    return db.session.scalar(
        sa.select(Attendance).filter_by(session_id=session_id, participant_id=participant_id)
    )


@rolls_back_on_refusal
def check_in(
    actor, session: EventSession, participant_id: int, code: str | None = None, client_id: str | None = None
) -> Attendance | None:
    """Present at this session: someone registered (on the waiting list: counted as a walk-in) or
    the holder of `code`. Pressing twice (or two phones at once) records one attendance; an entry
    sent again with the same `client_id` (made on the phone) changes nothing.

    Returns the attendance, or None when another phone undid it before this one could read it back:
    the door then shows the person as not present, which is true. The attendance returned may be
    gone too by the time it is used (undone just after this commit): callers read the person's row
    afresh instead of following it."""
    if already_received(client_id):
        return _attendance(session.id, participant_id)
    refuse_at_a_cancelled_event(session)
    refuse_unless_open(session)
    registration = _registration_at_the_door(session, participant_id, code)
    existing = _attendance(session.id, participant_id)
    if existing is not None:  # marked by another phone: this entry is received all the same
        _receive_alone(session, client_id)
        return existing
    confirmed = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    attendance = Attendance(
        session_id=session.id,
        event_id=session.event_id,
        participant_id=participant_id,
        registration_id=registration.id if registration else None,
        is_walk_in=not confirmed,
        checked_in_by_id=actor.id,
    )
    db.session.add(attendance)
    _keep_receipt(session, client_id)
    try:
        db.session.commit()
    except IntegrityError:  # the same person checked in from another phone, or this entry sent twice, at once
        db.session.rollback()
        existing = _attendance(session.id, participant_id)  # None if a third phone undid it since
        if existing is not None:
            _receive_alone(session, client_id)
        return existing
    return attendance


@rolls_back_on_refusal
def undo_check_in(actor, session: EventSession, attendance_id: int) -> None:
    refuse_unless_open(session)
    # Locked (PostgreSQL) and read afresh: of two phones undoing at once, the second finds nothing
    # to delete instead of deleting a row already gone (and taking it off the tally twice).
    attendance = db.session.scalar(
        sa.select(Attendance)
        .filter_by(id=attendance_id, session_id=session.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if attendance is None:
        db.session.commit()  # already undone: nothing to do (ends the transaction and its lock)
        return
    db.session.delete(attendance)
    record_audit("attendance.undone", actor, session, attendance_id=attendance_id)
    db.session.commit()


@rolls_back_on_refusal
def record_walk_in(
    actor,
    session: EventSession,
    *,
    display_name: str | None = None,
    gender: str | None = None,
    age_band: str | None = None,
    origin: str | None = None,
    client_id: str | None = None,
) -> Attendance | None:
    """Someone who did not register: with a name they become a participant; without one, only
    gender, age band and origin are kept, so the headcount is complete but nobody is identified.
    An entry sent again with the same `client_id` counts nobody twice (None: already counted)."""
    if already_received(client_id):
        return None
    refuse_at_a_cancelled_event(session)
    refuse_unless_open(session)
    display_name = (display_name or "").strip()
    if display_name and session.event.headcount_only:
        raise DoorError(
            _("This event counts heads only: its door takes no names. Count the person with the tally."),
            "headcount_only",  # no field: the door of such an event shows no walk-in form to correct
        )
    attendance = Attendance(
        session_id=session.id, event_id=session.event_id, is_walk_in=True, checked_in_by_id=actor.id
    )
    if display_name:
        attendance.participant = Participant(display_name=display_name)
    else:
        if not (gender and age_band and origin) or age_band not in set(AgeBand):
            raise DoorError(
                _("For an anonymous walk-in, choose a gender, an age band and an origin, or give a name."),
                "anonymous_incomplete",
                field="gender",
            )
        attendance.anonymous_gender = gender
        attendance.anonymous_age_band = age_band
        attendance.anonymous_origin = origin
    return commit_once(attendance, session, client_id)
