"""Who may do what with calls and proposals: pure predicates, no queries."""

from app.accounts.models import Role, User
from app.proposals.models import (
    ChangedByRole,
    Phase,
    Proposal,
    ProposalCall,
    ProposalStatus,
)


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_manage_calls_of(user, municipality_id: int) -> bool:
    """Open and edit calls, answer proposals, moderate: administrators and the municipality's reviewers."""
    return _signed_in(user) and (user.is_admin or user.has_role(Role.REVIEWER, municipality_id))


def can_manage_call(user, call: ProposalCall) -> bool:
    return can_manage_calls_of(user, call.municipality_id)


def can_manage_any_call(user) -> bool:
    return _signed_in(user) and (user.is_admin or user.has_role(Role.REVIEWER))


def can_assist(user, call: ProposalCall) -> bool:
    """Enter a proposal for a resident or a group: the municipality's organisers and administrators."""
    return _signed_in(user) and (user.is_admin or user.has_role(Role.ORGANISER, call.municipality_id))


def can_moderate(user, proposal: Proposal) -> bool:
    return can_manage_call(user, proposal.call)


def can_see_proposal(user, proposal: Proposal) -> bool:
    """Hidden proposals are gone for the public; their author and moderators still reach them."""
    if not proposal.is_hidden:
        return True
    return is_author(user, proposal) or can_moderate(user, proposal)


def is_author(user, proposal: Proposal) -> bool:
    return _signed_in(user) and proposal.author_id == user.id


def can_edit_proposal(user, proposal: Proposal) -> bool:
    return (
        is_author(user, proposal)
        and proposal.status == ProposalStatus.SUBMITTED
        and not proposal.is_hidden
        and proposal.support_count == 0
        and proposal.call.current_phase == Phase.SUBMISSION
    )


def can_withdraw_proposal(user, proposal: Proposal) -> bool:
    return is_author(user, proposal) and proposal.status == ProposalStatus.SUBMITTED


def can_submit_to(call: ProposalCall) -> bool:
    return call.current_phase == Phase.SUBMISSION


def role_for_history(user: User, call: ProposalCall) -> ChangedByRole:
    """The role a status change is shown under: reviewers speak for the municipality."""
    if user.has_role(Role.REVIEWER, call.municipality_id):
        return ChangedByRole.REVIEWER
    if user.is_admin:
        return ChangedByRole.ADMINISTRATOR
    return ChangedByRole.ORGANISER
