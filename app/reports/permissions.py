"""Who may see and do what with programmes and reports: pure predicates."""

from app.accounts.models import Role


def can_manage_programmes(user) -> bool:
    return bool(user.is_authenticated and user.is_admin)


def organises_in(user, programme) -> bool:
    if not user.is_authenticated:
        return False
    mine = user.municipality_ids(Role.ORGANISER)
    return any(m.id in mine for m in programme.municipalities)


def can_view_programme(user, programme) -> bool:
    return programme.is_public or can_manage_programmes(user) or organises_in(user, programme)


def can_view_reports(user) -> bool:
    return bool(user.is_authenticated and (user.is_admin or user.has_role(Role.ORGANISER)))


def can_download_donor_report(user, programme) -> bool:
    return can_manage_programmes(user) or organises_in(user, programme)


def can_see_exact_figures(user) -> bool:
    """Exact, unprotected figures are for administrators only, and each view is recorded."""
    return can_manage_programmes(user)
