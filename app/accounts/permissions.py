"""Who may do what with people's accounts: pure predicates, no queries."""

from app.accounts.models import Role, User


def can_administer_people(user: User) -> bool:
    return bool(user.is_authenticated and user.is_admin)


def can_use_people_desk(user: User) -> bool:
    """Organisers (of any municipality) help people at the information desk; administrators too."""
    return bool(user.is_authenticated and (user.is_admin or user.has_role(Role.ORGANISER)))


def can_issue_reset_link(actor: User, person: User) -> bool:
    """An administrator may issue a link for anyone but themselves (they change their own password).
    An organiser only for a resident: a link for a staff account would hand over its powers."""
    if not actor.is_authenticated or person.id == actor.id or person.is_deleted:
        return False
    if actor.is_admin:
        return True
    return can_use_people_desk(actor) and not person.is_staff and not person.is_disabled
