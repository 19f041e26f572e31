"""Which card holders an organiser serves at the information desk.

A card holder is served by the organisers of the municipalities where one of their cards was issued,
where they registered for an event or took part in one, and by the organisers of any municipality
that shares a programme with those (a programme run across Raoued and La Marsa has one desk team).
Anyone else cannot find, open, reissue, link or register the card holder: the desk answers as if the
person did not exist. Administrators serve everyone.

Everything here is SQL that the listing and the loader put in their own statement, so scoping costs
no query of its own.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import Municipality, Participant, ParticipantCard, User
from app.events.models import Attendance, Event, Registration
from app.events.permissions import managed_municipality_ids
from app.programmes.covers import sharing_a_programme


def reached_municipalities(own_ids: set[int]) -> sa.Select:
    """The organiser's municipalities and those that share a programme with one of them."""
    return sa.union(
        sa.select(Municipality.id).where(Municipality.id.in_(own_ids)), sharing_a_programme(own_ids)
    )


def _within_reach(user, condition):
    """`condition(reached)` over the municipalities `user` reaches (a subquery); None means
    everyone (administrators), and someone who organises nowhere reaches nobody."""
    own_ids = managed_municipality_ids(user)
    if own_ids is None:
        return None
    if not own_ids:
        return sa.false()
    return condition(reached_municipalities(own_ids).scalar_subquery())


def served_by(user) -> sa.ColumnElement[bool] | None:
    """A condition on `Participant.id`: the card holders `user` serves; None means everyone."""
    return _within_reach(user, _card_holders_of)


def _card_holders_of(reached) -> sa.ColumnElement[bool]:
    return sa.or_(
        Participant.id.in_(
            sa.select(ParticipantCard.participant_id).where(ParticipantCard.municipality_id.in_(reached))
        ),
        Participant.id.in_(
            sa.select(Registration.participant_id)
            .join(Event, Event.id == Registration.event_id)
            .where(Event.municipality_id.in_(reached))
        ),
        Participant.id.in_(
            sa.select(Attendance.participant_id)
            .join(Event, Event.id == Attendance.event_id)
            .where(Event.municipality_id.in_(reached))
        ),
    )


def scoped_to(statement: sa.Select, user) -> sa.Select:
    """`statement` (over Participant) narrowed to the card holders `user` serves."""
    condition = served_by(user)
    return statement if condition is None else statement.where(condition)


def accounts_served_by(user) -> sa.ColumnElement[bool] | None:
    """A condition on `User`: the accounts whose holders `user` serves at the desk (password links).
    Their home municipality is one the organiser reaches, or their participant is a person the
    organiser serves by the rule above. None means everyone (administrators)."""
    return _within_reach(
        user,
        lambda reached: sa.or_(
            User.municipality_id.in_(reached),
            User.participant_id.in_(sa.select(Participant.id).where(_card_holders_of(reached))),
        ),
    )


def accounts_scoped_to(statement: sa.Select, user) -> sa.Select:
    """`statement` (over User) narrowed to the accounts `user` serves at the desk."""
    condition = accounts_served_by(user)
    return statement if condition is None else statement.where(condition)
