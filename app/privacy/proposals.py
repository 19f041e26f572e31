"""The proposals domain's part of a person's data: their proposals, the group proposals they were
recorded a member of, comments, supports and the abuse reports they filed. Erasure keeps the proposals
(shown under "Deleted account") and removes the person from the groups they were a member of."""

import sqlalchemy as sa

from app.extensions import db
from app.privacy.when import when
from app.proposals.models import AbuseReport, Comment, Proposal, ProposalMember, Support

EXPORTS = {
    "proposal.participant_id": "proposals",
    "proposal.author_id": "proposals",
    "proposal.entered_by_id": "not exported: the organiser who entered it at the desk",
    "comment.author_id": "comments",
    "support.user_id": "supports",
    "abuse_report.reporter_id": "abuse_reports",
    "abuse_report.resolved_by_id": "not exported: the moderator's act",
    "proposal_status_change.changed_by_id": "not exported: the reviewer's act",
    "proposal_member.participant_id": "group_memberships",
}
ERASES = {
    "proposal.participant_id": "kept: the proposal stays, shown under \"Deleted account\"",
    "proposal.author_id": "kept, as participant_id",
    "proposal.entered_by_id": "kept: the organiser's act",
    "comment.author_id": "kept, shown under \"Deleted account\"",
    "support.user_id": "kept: the count is the residents'",
    "abuse_report.reporter_id": "kept, naming nobody",
    "abuse_report.resolved_by_id": "kept: the moderator's act",
    "proposal_status_change.changed_by_id": "kept: the reviewer's act",
    "proposal_member.participant_id": "deleted; the group keeps its size, counting them without a card",
}


def _member_of(participant_id: int) -> sa.Select:
    return sa.select(ProposalMember.proposal_id).where(ProposalMember.participant_id == participant_id)


def erase(participant_id: int) -> None:
    """The person leaves the groups they were recorded in. Each group still counts them, as a member
    without a card, so its size and the targets' figures beside it do not shrink: only the link to the
    person goes. The caller commits."""
    db.session.execute(
        sa.update(Proposal)
        .where(Proposal.id.in_(_member_of(participant_id)))
        .values(members_without_card=Proposal.members_without_card + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(sa.delete(ProposalMember).where(ProposalMember.participant_id == participant_id))


def linked_to(participant_id: int) -> list[Proposal]:
    """Proposals entered for this participant (at the desk with their card, or their own) or for a group
    they were recorded a member of, oldest first: the card holder's data page lists them."""
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(
                sa.or_(Proposal.participant_id == participant_id, Proposal.id.in_(_member_of(participant_id)))
            )
            .order_by(Proposal.created_at, Proposal.id)
        )
    )


def export(user, language: str) -> dict:
    proposals = db.session.scalars(
        sa.select(Proposal)
        .where(sa.or_(Proposal.author_id == user.id, Proposal.participant_id == user.participant_id))
        .order_by(Proposal.created_at, Proposal.id)
    )
    memberships = (
        db.session.scalars(
            sa.select(Proposal)
            .where(Proposal.id.in_(_member_of(user.participant_id)))
            .order_by(Proposal.created_at, Proposal.id)
        )
        if user.participant_id
        else []
    )
    comments = db.session.execute(
        sa.select(Comment, Proposal.title)
        .join(Proposal, Proposal.id == Comment.proposal_id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.created_at, Comment.id)
    )
    supports = db.session.execute(
        sa.select(Support, Proposal.title)
        .join(Proposal, Proposal.id == Support.proposal_id)
        .where(Support.user_id == user.id)
        .order_by(Support.created_at, Support.id)
    )
    reports = db.session.scalars(
        sa.select(AbuseReport).where(AbuseReport.reporter_id == user.id).order_by(AbuseReport.created_at)
    )
    return {
        "proposals": [
            {
                "id": proposal.id,
                "call": proposal.call.title,
                "title": proposal.title,
                "description": proposal.description,
                "place": proposal.place,
                "estimated_cost": None if proposal.estimated_cost is None else str(proposal.estimated_cost),
                "group_name": proposal.group_name,
                "channel": proposal.channel,
                "status": proposal.status,
                "support_count": proposal.support_count,
                "has_photo": proposal.photo_name is not None,
                "is_hidden": proposal.is_hidden,
                "submitted_at": when(proposal.created_at),
            }
            for proposal in proposals
        ],
        "group_memberships": [
            {
                "proposal_id": proposal.id,
                "call": proposal.call.title,
                "title": proposal.title,
                "group_name": proposal.group_name,
                "submitted_at": when(proposal.created_at),
            }
            for proposal in memberships
        ],
        "comments": [
            {
                "proposal_id": comment.proposal_id,
                "proposal_title": title,
                "body": comment.body,
                "is_reply": comment.parent_id is not None,
                "is_hidden": comment.is_hidden,
                "written_at": when(comment.created_at),
            }
            for comment, title in comments
        ],
        "supports": [
            {
                "proposal_id": support.proposal_id,
                "proposal_title": title,
                "given_at": when(support.created_at),
            }
            for support, title in supports
        ],
        "abuse_reports": [
            {
                "proposal_id": report.proposal_id,
                "comment_id": report.comment_id,
                "reason": report.reason,
                "filed_at": when(report.created_at),
                "resolution": report.resolution,
            }
            for report in reports
        ],
    }
