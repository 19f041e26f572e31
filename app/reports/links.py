"""Which events and calls count towards a programme: the ones that name it themselves and the
co-funded ones attached to it as a further programme (event_cofunder, call_cofunder). Every count
by programme goes through here, so an event attached to two programmes counts once in each."""

from __future__ import annotations

import sqlalchemy as sa

from app.events.models import Event
from app.proposals.models import ProposalCall
from app.reports.models import call_cofunder, event_cofunder


def programme_event_ids(programme_id: int) -> sa.Select:
    """A subquery: the ids of the events counting towards the programme."""
    return sa.union(
        sa.select(Event.id).where(Event.programme_id == programme_id),
        sa.select(event_cofunder.c.event_id).where(event_cofunder.c.programme_id == programme_id),
    )


def programme_call_ids(programme_id: int) -> sa.Select:
    """A subquery: the ids of the calls for proposals counting towards the programme."""
    return sa.union(
        sa.select(ProposalCall.id).where(ProposalCall.programme_id == programme_id),
        sa.select(call_cofunder.c.call_id).where(call_cofunder.c.programme_id == programme_id),
    )


def event_programmes(where=None):
    """A subquery of (event_id, programme_id): every programme each event counts towards, once
    (an event whose own programme is also attached as a further one still counts once there)."""
    own = sa.select(Event.id.label("event_id"), Event.programme_id.label("programme_id")).where(
        Event.programme_id.is_not(None)
    )
    further = sa.select(event_cofunder.c.event_id, event_cofunder.c.programme_id)
    if where is not None:
        own = own.where(Event.id.in_(where))
        further = further.where(event_cofunder.c.event_id.in_(where))
    return sa.union(own, further).subquery("event_programmes")
