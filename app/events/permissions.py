"""Who may do what with events: pure predicates, no queries."""

from app.accounts.models import Role
from app.accounts.municipalities import municipality_ids_for


def is_organiser(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_admin or user.has_role(Role.ORGANISER)))


def managed_municipality_ids(user) -> set[int] | None:
    """The municipalities whose events `user` runs; None means all of them (administrators)."""
    return municipality_ids_for(user, Role.ORGANISER)


def can_manage_municipality(user, municipality_id: int) -> bool:
    if not (user and user.is_authenticated):
        return False
    return user.is_admin or user.has_role(Role.ORGANISER, municipality_id)


def works_in_municipality(user, municipality_id: int) -> bool:
    """Staff of this municipality (any role) or an administrator: they may know its events' pages
    exist; everyone else is answered 404 for what they may not touch."""
    if not (user and user.is_authenticated):
        return False
    return user.is_admin or any(r.municipality_id == municipality_id for r in user.roles)


def can_manage_event(user, event) -> bool:
    return can_manage_municipality(user, event.municipality_id)


def can_see_event(user, event) -> bool:
    """Drafts are seen only by the people who run them."""
    return event.is_published or event.is_cancelled or can_manage_event(user, event)


def owns_registration(user, registration) -> bool:
    return bool(user and user.is_authenticated and registration.participant_id == user.participant_id)
