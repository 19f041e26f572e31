"""Who may do what with directory entries: pure predicates, no queries."""

from app.accounts.models import Role


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_edit_services_of(user, municipality_id: int) -> bool:
    """Create, edit, verify, retire entries and read their reports: the municipality's organisers and
    the administrators."""
    return _signed_in(user) and (user.is_admin or user.has_role(Role.ORGANISER, municipality_id))


def can_edit_service(user, service) -> bool:
    return can_edit_services_of(user, service.municipality_id)


def can_edit_any(user) -> bool:
    return _signed_in(user) and (user.is_admin or user.has_role(Role.ORGANISER))


