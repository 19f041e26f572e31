"""Door check-in, per session: idempotent, undoable, and walk-ins with or without a name."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Participant
from app.core.audit import record_audit
from app.events.errors import DoorError
from app.events.models import AgeBand, Attendance, EventSession, Registration, RegistrationStatus
from app.events.services.locking import rolls_back_on_refusal
from app.extensions import db


def _attendance(session_id: int, participant_id: int) -> Attendance | None:
    return db.session.scalar(
        sa.select(Attendance).filter_by(session_id=session_id, participant_id=participant_id)
    )


@rolls_back_on_refusal
def check_in(actor, session: EventSession, participant_id: int) -> Attendance:
    """Present at this session. Pressing twice (or two phones at once) records one attendance."""
    if session.event.is_cancelled:
        raise DoorError(_("This event has been cancelled."), "cancelled")
    if db.session.get(Participant, participant_id) is None:
        raise DoorError(_("This person does not exist."), "not_found", status=404)
    existing = _attendance(session.id, participant_id)
    if existing is not None:
        return existing
    registration = db.session.scalar(
        sa.select(Registration).filter_by(event_id=session.event_id, participant_id=participant_id)
    )
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
    try:
        db.session.commit()
    except IntegrityError:  # the same person checked in from another phone a moment ago
        db.session.rollback()
        return _attendance(session.id, participant_id)
    return attendance


@rolls_back_on_refusal
def undo_check_in(actor, session: EventSession, attendance_id: int) -> None:
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or attendance.session_id != session.id:
        return  # already undone: nothing to do
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
) -> Attendance:
    """Someone who did not register: with a name they become a participant; without one, only
    gender, age band and origin are kept, so the headcount is complete but nobody is identified."""
    if session.event.is_cancelled:
        raise DoorError(_("This event has been cancelled."), "cancelled")
    display_name = (display_name or "").strip()
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
    db.session.add(attendance)
    db.session.commit()
    return attendance
