"""Every write of the proposals domain. Each function checks its rule, writes, and commits, or raises
ProposalError having written nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Participant, ParticipantCard, Role, User
from app.accounts.municipalities import municipality_ids_for
from app.core.audit import record_audit
from app.core.codes import normalise_code
from app.core.notifications import queue_notification
from app.core.time import utcnow
from app.core.translated import CONTENT_LANGUAGES, as_texts, write_texts
from app.extensions import db
from app.programmes.covers import programme_covering
from app.proposals import group_members, permissions
from app.proposals.errors import ProposalError
from app.proposals.models import (
    ANSWER_STATUSES,
    DECISION_STATUSES,
    AbuseReport,
    ChangedByRole,
    Channel,
    Comment,
    Phase,
    Proposal,
    ProposalCall,
    ProposalCategory,
    ProposalStatus,
    ProposalStatusChange,
    Support,
)
from app.proposals.photos import delete_photo, store_photo

# ---------------------------------------------------------------- calls


@dataclass
class CallData:
    municipality_id: int
    title: str | dict[str, str]  # {"fr": ..., "ar": ..., "en": ...}, or one text in its own language
    description: str | dict[str, str]
    categories: list[str | dict[str, str]]  # one {language: name} per category
    submission_opens_at: datetime
    submission_closes_at: datetime
    support_opens_at: datetime
    support_closes_at: datetime
    review_opens_at: datetime
    results_at: datetime
    support_cap: int | None = None
    programme_id: int | None = None


def _check_call(actor: User, data: CallData) -> None:
    if not permissions.can_manage_calls_of(actor, data.municipality_id):
        raise ProposalError(_("You cannot open calls in this municipality."), code="forbidden")
    moments = [
        data.submission_opens_at,
        data.submission_closes_at,
        data.support_opens_at,
        data.support_closes_at,
        data.review_opens_at,
        data.results_at,
    ]
    ordered = all(a <= b for a, b in zip(moments, moments[1:], strict=False))
    if (
        not ordered
        or data.submission_opens_at >= data.submission_closes_at
        or (data.support_opens_at >= data.support_closes_at or data.review_opens_at >= data.results_at)
    ):
        raise ProposalError(
            _("The phases must follow each other: submission, support, review, then results."),
            code="phase_order",
        )
    if not data.categories:
        raise ProposalError(_("Give at least one category."), code="no_category")
    if data.programme_id is not None and programme_covering(data.programme_id, data.municipality_id) is None:
        raise ProposalError(_("This programme does not cover the call's municipality."), code="programme")


def _apply_call(call: ProposalCall, data: CallData) -> None:
    write_texts(call, "title", data.title)
    write_texts(call, "description", data.description)
    for name in (
        "municipality_id",
        "submission_opens_at",
        "submission_closes_at",
        "support_opens_at",
        "support_closes_at",
        "review_opens_at",
        "results_at",
        "support_cap",
        "programme_id",
    ):
        setattr(call, name, getattr(data, name))


def _new_category(name, position: int) -> ProposalCategory:
    category = ProposalCategory(position=position)
    write_texts(category, "name", name)
    return category


def _same_category(categories, name) -> ProposalCategory | None:
    """The category a line names again: one sharing its name in any language, so that translating
    a category (or correcting one of its languages) keeps the proposals filed under it."""
    texts = as_texts(name)
    for category in categories:
        names = {code: getattr(category, f"name_{code}") for code in CONTENT_LANGUAGES}
        if any(texts[code] and texts[code] == names[code] for code in CONTENT_LANGUAGES):
            return category
    return None


def create_call(actor: User, data: CallData) -> ProposalCall:
    _check_call(actor, data)
    call = ProposalCall()
    _apply_call(call, data)
    call.categories = [_new_category(name, i) for i, name in enumerate(data.categories)]
    db.session.add(call)
    db.session.flush()
    record_audit("proposal_call.created", actor=actor, target=call)
    db.session.commit()
    return call


def update_call(actor: User, call: ProposalCall, data: CallData) -> ProposalCall:
    if not permissions.can_manage_call(actor, call):
        raise ProposalError(_("You cannot open calls in this municipality."), code="forbidden")
    _check_call(actor, data)
    kept: list[ProposalCategory | None] = []
    for name in data.categories:
        kept.append(_same_category([c for c in call.categories if c not in kept], name))
    removed = [c for c in call.categories if c not in kept]
    if removed:
        used = db.session.scalar(
            sa.select(sa.func.count(Proposal.id)).where(Proposal.category_id.in_([c.id for c in removed]))
        )
        if used:
            raise ProposalError(_("A category that proposals use cannot be removed."), code="category_in_use")
    _apply_call(call, data)
    categories = []
    for position, (name, category) in enumerate(zip(data.categories, kept, strict=True)):
        category = category or ProposalCategory()
        write_texts(category, "name", name)
        category.position = position
        categories.append(category)
    call.categories = categories
    record_audit("proposal_call.updated", actor=actor, target=call)
    db.session.commit()
    return call


# ---------------------------------------------------------------- proposals


@dataclass
class ProposalData:
    title: str
    description: str
    category_id: int
    place: str = ""
    estimated_cost: Decimal | None = None
    photo: bytes | None = None  # re-encoded JPEG from photos.read_photo


@dataclass
class Assistance:
    """Who entered a proposal for whom: the channel, and with consent the person's card."""

    channel: str
    entered_by: User
    card_code: str | None = None
    consent: bool = False
    group_name: str | None = None
    member_codes: str | None = None  # a group's members who hold a card, as typed
    members_without_card: int = 0


def _group_members(assistance: Assistance, participant: Participant | None) -> list[int]:
    """The members' participant ids; members belong to a group proposal only."""
    if assistance.channel != Channel.GROUP:
        if group_members.split_codes(assistance.member_codes) or assistance.members_without_card:
            raise ProposalError(_("Members are recorded only for a group at an event."), code="members")
        return []
    if not 0 <= assistance.members_without_card <= group_members.MAX_MEMBERS:
        raise ProposalError(
            _("Give a number between 0 and %(count)s.", count=group_members.MAX_MEMBERS),
            code="members_without_card",
        )
    return group_members.member_participant_ids(
        assistance.entered_by, assistance.member_codes, participant.id if participant else None
    )


def _category(call: ProposalCall, category_id: int) -> ProposalCategory:
    for category in call.categories:
        if category.id == category_id:
            return category
    raise ProposalError(_("Choose one of the call's categories."), code="category")


def _card_participant(assistance: Assistance) -> Participant | None:
    if not assistance.card_code:
        return None
    if not assistance.consent:
        raise ProposalError(
            _("Link the card only when the person agrees: tick the consent box."), code="consent"
        )
    # Stored as printed ("K7MW-4QXA"); typed as heard ("k7mw 4qxa"): both read the same.
    code = normalise_code(assistance.card_code)
    card = code and db.session.scalar(
        sa.select(ParticipantCard).where(ParticipantCard.code == code, ParticipantCard.is_active)
    )
    own = municipality_ids_for(assistance.entered_by, Role.ORGANISER)  # None: administrators
    if card is None or (own is not None and card.municipality_id not in own):
        # Another municipality's card is answered like an unknown code: the desk learns nothing of it.
        raise ProposalError(_("No active participant card has this code."), code="card")
    return card.participant


def submit_proposal(
    call: ProposalCall, author: User | None, data: ProposalData, assistance: Assistance | None = None
) -> Proposal:
    """A resident's own proposal (assistance None), or one an organiser enters for someone."""
    if not permissions.can_submit_to(call):
        raise ProposalError(_("Proposals can only be submitted during the submission phase."), code="phase")
    category = _category(call, data.category_id)
    participant = None
    members: list[int] = []
    channel = Channel.ONLINE
    role = ChangedByRole.AUTHOR
    if assistance is not None:
        if not permissions.can_assist(assistance.entered_by, call):
            raise ProposalError(_("You cannot enter proposals for this municipality."), code="forbidden")
        if assistance.channel not in (Channel.ASSISTED, Channel.PAPER, Channel.GROUP):
            raise ProposalError(_("Choose how the proposal reached you."), code="channel")
        if assistance.channel == Channel.GROUP and not (assistance.group_name or "").strip():
            raise ProposalError(_("Give the name of the group."), code="group_name")
        participant = _card_participant(assistance)
        members = _group_members(assistance, participant)
        author = participant.user if participant is not None else None
        channel = assistance.channel
        role = ChangedByRole.ORGANISER
    proposal = Proposal(
        call=call,
        category=category,
        author=author,
        participant_id=participant.id if participant else (author.participant_id if author else None),
        entered_by_id=assistance.entered_by.id if assistance else None,
        channel=channel,
        group_name=(assistance.group_name or "").strip() or None if assistance else None,
        members_without_card=assistance.members_without_card if channel == Channel.GROUP else 0,
        title=data.title.strip(),
        description=data.description.strip(),
        place=data.place.strip(),
        estimated_cost=data.estimated_cost,
        status=ProposalStatus.SUBMITTED,
    )
    proposal.history = [
        ProposalStatusChange(
            status=ProposalStatus.SUBMITTED,
            changed_by_role=role,
            changed_by_id=(assistance.entered_by.id if assistance else author.id),
        )
    ]
    db.session.add(proposal)
    try:
        if data.photo is not None:
            proposal.photo_name = store_photo(data.photo)
        db.session.flush()
        group_members.add_members(proposal.id, members)
        if assistance is not None:
            record_audit(
                "proposal.entered_for_someone",
                actor=assistance.entered_by,
                target=proposal,
                channel=channel,
                card_linked=participant is not None,
                members_with_card=len(members),
                members_without_card=proposal.members_without_card,
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_photo(proposal.photo_name)
        raise
    return proposal


def _lock_proposal(proposal_id: int) -> Proposal:
    proposal = db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.id == proposal_id)
        .with_for_update(of=Proposal)
        .execution_options(populate_existing=True)
    ).one()
    return proposal


def edit_proposal(
    proposal: Proposal, actor: User, data: ProposalData, remove_photo: bool = False
) -> Proposal:
    proposal = _lock_proposal(proposal.id)  # a first support may land while the author edits
    if not permissions.is_author(actor, proposal):
        raise ProposalError(_("Only the author can change this proposal."), code="forbidden")
    if not permissions.can_edit_proposal(actor, proposal):
        db.session.rollback()
        raise ProposalError(
            _("This proposal can no longer be changed: it has supports or the submission phase is over."),
            code="locked",
        )
    category = _category(proposal.call, data.category_id)
    old_photo = proposal.photo_name
    proposal.title = data.title.strip()
    proposal.description = data.description.strip()
    proposal.place = data.place.strip()
    proposal.estimated_cost = data.estimated_cost
    proposal.category = category
    new_photo = None
    try:
        new_photo = store_photo(data.photo) if data.photo is not None else None
        if new_photo or remove_photo:
            proposal.photo_name = new_photo
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_photo(new_photo)
        raise
    if (new_photo or remove_photo) and old_photo:
        delete_photo(old_photo)
    return proposal


def withdraw_proposal(proposal: Proposal, actor: User) -> Proposal:
    proposal = _lock_proposal(proposal.id)
    if not permissions.can_withdraw_proposal(actor, proposal):
        db.session.rollback()
        raise ProposalError(
            _("Only its author can withdraw a proposal, and only before the municipality answers."),
            code="withdraw",
        )
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.history.append(
        ProposalStatusChange(
            status=ProposalStatus.WITHDRAWN, changed_by_role=ChangedByRole.AUTHOR, changed_by_id=actor.id
        )
    )
    db.session.commit()
    return proposal


# ---------------------------------------------------------------- supports


def _lock_person(user: User) -> None:
    """One person's supports are taken one at a time, so double clicks and the per-call cap hold."""
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())


def _existing_support(proposal_id: int, user_id: int) -> Support | None:
    return db.session.scalar(sa.select(Support).filter_by(proposal_id=proposal_id, user_id=user_id))


def support_proposal(proposal: Proposal, user: User) -> Proposal:
    """Support a proposal; supporting it again changes nothing."""
    proposal_id, user_id = proposal.id, user.id
    _lock_person(user)
    proposal = _lock_proposal(proposal_id)
    try:
        if proposal.status == ProposalStatus.WITHDRAWN:
            raise ProposalError(_("This proposal was withdrawn: it cannot be supported."), code="withdrawn")
        if proposal.is_hidden:
            raise ProposalError(_("This proposal cannot be supported."), code="hidden")
        if proposal.call.current_phase != Phase.SUPPORT:
            raise ProposalError(_("Supports are only possible during the support phase."), code="phase")
        if proposal.author_id == user_id:
            raise ProposalError(_("You cannot support your own proposal."), code="own")
        if _existing_support(proposal_id, user_id) is not None:
            db.session.commit()
            return proposal
        cap = proposal.call.support_cap
        if cap:
            used = db.session.scalar(
                sa.select(sa.func.count(Support.id)).where(
                    Support.user_id == user_id, Support.call_id == proposal.call_id
                )
            )
            if used >= cap:
                raise ProposalError(
                    _(
                        "You have already supported %(cap)s proposals in this call, the most allowed. "
                        "Withdraw a support to give it to another one.",
                        cap=cap,
                    ),
                    code="cap",
                )
    except ProposalError:
        db.session.rollback()
        raise
    db.session.add(Support(proposal_id=proposal_id, user_id=user_id, call_id=proposal.call_id))
    proposal.support_count = Proposal.support_count + 1
    try:
        db.session.commit()
    except IntegrityError:  # the unique constraint: the same person's other request got there first
        db.session.rollback()
    return db.session.get(Proposal, proposal_id, populate_existing=True)


def withdraw_support(proposal: Proposal, user: User) -> Proposal:
    """Take a support back during the support phase; withdrawing twice changes nothing."""
    proposal_id, user_id = proposal.id, user.id
    _lock_person(user)
    proposal = _lock_proposal(proposal_id)
    if proposal.call.current_phase != Phase.SUPPORT:
        db.session.rollback()
        raise ProposalError(_("Supports are only possible during the support phase."), code="phase")
    support = _existing_support(proposal_id, user_id)
    if support is not None:
        db.session.delete(support)
        proposal.support_count = Proposal.support_count - 1
    db.session.commit()
    return db.session.get(Proposal, proposal_id, populate_existing=True)


# ---------------------------------------------------------------- comments and moderation


def _refresh_comment_count(proposal_id: int) -> None:
    """comment_count is what the public sees: visible comments whose thread is visible."""
    parent = sa.orm.aliased(Comment)
    visible = (
        sa.select(sa.func.count(Comment.id))
        .outerjoin(parent, Comment.parent_id == parent.id)
        .where(
            Comment.proposal_id == proposal_id,
            Comment.is_hidden.is_(False),
            sa.or_(Comment.parent_id.is_(None), parent.is_hidden.is_(False)),
        )
        .scalar_subquery()
    )
    db.session.execute(sa.update(Proposal).where(Proposal.id == proposal_id).values(comment_count=visible))


def add_comment(proposal: Proposal, author: User, body: str, parent_id: int | None = None) -> Comment:
    if proposal.is_hidden or proposal.status == ProposalStatus.WITHDRAWN:
        raise ProposalError(_("This proposal is closed to comments."), code="closed")
    body = body.strip()
    if not body:
        raise ProposalError(_("Write a comment first."), code="empty")
    replied_to = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.proposal_id != proposal.id or parent.is_hidden:
            raise ProposalError(_("This comment cannot be answered."), code="parent")
        parent_id = parent.parent_id or parent.id  # one level of replies: answer the thread
        replied_to = parent
    _lock_proposal(proposal.id)
    comment = Comment(proposal_id=proposal.id, parent_id=parent_id, author_id=author.id, body=body)
    db.session.add(comment)
    db.session.flush()
    _refresh_comment_count(proposal.id)
    if replied_to is not None:
        _tell_comment_author(replied_to, comment)
    db.session.commit()
    return comment


def _tell_comment_author(parent: Comment, reply: Comment) -> None:
    """The author of the comment answered hears of a reply that is not their own."""
    author = parent.author
    if author is None or author.is_deleted or author.id == reply.author_id:
        return
    queue_notification(author.participant_id, "comment_reply", proposal_id=reply.proposal_id,
                       comment_id=reply.id)


def report_abuse(
    reporter: User, reason: str, *, proposal: Proposal | None = None, comment: Comment | None = None
) -> AbuseReport:
    reason = reason.strip()
    if not reason:
        raise ProposalError(_("Say why this is abusive."), code="reason")
    report = AbuseReport(
        proposal_id=proposal.id if proposal else None,
        comment_id=comment.id if comment else None,
        reporter_id=reporter.id,
        reason=reason,
    )
    db.session.add(report)
    db.session.commit()
    return report


def _content_proposal(target) -> Proposal:
    return target if isinstance(target, Proposal) else db.session.get(Proposal, target.proposal_id)


def moderate(actor: User, target: Proposal | Comment, hide: bool, reason: str) -> None:
    """Hide or restore a proposal or comment; the reason is kept and the open reports are closed."""
    proposal = _content_proposal(target)
    if not permissions.can_moderate(actor, proposal):
        raise ProposalError(_("You cannot moderate this municipality's proposals."), code="forbidden")
    reason = reason.strip()
    if not reason:
        raise ProposalError(_("Give the reason, it is kept with the decision."), code="reason")
    _lock_proposal(proposal.id)
    target.is_hidden = hide
    target.hidden_reason = reason
    column = AbuseReport.proposal_id if isinstance(target, Proposal) else AbuseReport.comment_id
    db.session.execute(
        sa.update(AbuseReport)
        .where(column == target.id, AbuseReport.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution="hidden" if hide else "restored", resolved_by_id=actor.id)
    )
    db.session.flush()
    if isinstance(target, Comment):
        _refresh_comment_count(proposal.id)
    kind = "proposal" if isinstance(target, Proposal) else "comment"
    record_audit(f"{kind}.{'hidden' if hide else 'restored'}", actor=actor, target=target, reason=reason)
    db.session.commit()


def dismiss_report(actor: User, report: AbuseReport) -> None:
    proposal = report.proposal or db.session.get(Proposal, report.comment.proposal_id)
    if not permissions.can_moderate(actor, proposal):
        raise ProposalError(_("You cannot moderate this municipality's proposals."), code="forbidden")
    if report.resolved_at is None:
        report.resolved_at = utcnow()
        report.resolution = "dismissed"
        report.resolved_by_id = actor.id
        record_audit("abuse_report.dismissed", actor=actor, target=report)
    db.session.commit()


# ---------------------------------------------------------------- municipal review


def answer_proposal(
    proposal: Proposal, actor: User, status: str, answer_text: str | dict[str, str]
) -> Proposal:
    """The municipality's public answer; each one joins the status history under the actor's role."""
    if not permissions.can_manage_call(actor, proposal.call):
        raise ProposalError(
            _("Only reviewers of this municipality can answer its proposals."), code="forbidden"
        )
    if status not in ANSWER_STATUSES:
        raise ProposalError(_("Choose an answer."), code="status")
    answer_text = as_texts(answer_text)  # {language: text}; a single text is in its own language
    if status == ProposalStatus.REJECTED and not any(answer_text.values()):
        raise ProposalError(_("Say why the proposal is rejected: the reason is public."), code="reason")
    proposal = _lock_proposal(proposal.id)
    if not proposal.call.review_started:
        db.session.rollback()
        raise ProposalError(_("Proposals are answered once the review phase has started."), code="phase")
    if proposal.status == ProposalStatus.WITHDRAWN:
        db.session.rollback()
        raise ProposalError(_("This proposal was withdrawn by its author."), code="withdrawn")
    now = utcnow()
    proposal.status = status
    write_texts(proposal, "answer_text", answer_text)
    if status in DECISION_STATUSES and proposal.first_answered_at is None:
        proposal.first_answered_at = now
    change = ProposalStatusChange(
        status=status,
        changed_at=now,
        changed_by_role=permissions.role_for_history(actor, proposal.call),
        changed_by_id=actor.id,
    )
    write_texts(change, "answer_text", answer_text)
    proposal.history.append(change)
    record_audit("proposal.answered", actor=actor, target=proposal, status=status)
    if proposal.participant_id:
        queue_notification(
            proposal.participant_id, "proposal_answered", proposal_id=proposal.id, status=status
        )
    db.session.commit()
    return proposal
