"""Every read that lists or counts proposals, already scoped to what the person may see."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import lazyload, selectinload, undefer

from app.accounts.models import Role, User
from app.core.pagination import Page, paginate
from app.core.urls import parse_id
from app.extensions import db
from app.proposals.models import (
    ACCEPTED_STATUSES,
    AbuseReport,
    Channel,
    Comment,
    Proposal,
    ProposalCall,
    ProposalStatus,
    Support,
)

PUBLIC_SORTS = ("supports", "newest", "random")
QUEUE_SORTS = ("supports", "oldest", "waiting")
RANDOM_PRIME = 2_147_483_647  # (id * a + b) mod p visits every id once: a stable shuffle per visitor


def calls_for_public() -> list[ProposalCall]:
    return list(
        db.session.scalars(
            sa.select(ProposalCall).order_by(ProposalCall.submission_opens_at.desc()).limit(100)
        )
    )


def calls_for_manager(user: User) -> list[ProposalCall]:
    statement = sa.select(ProposalCall).order_by(ProposalCall.submission_opens_at.desc())
    if not user.is_admin:
        statement = statement.where(ProposalCall.municipality_id.in_(user.municipality_ids(Role.REVIEWER)))
    return list(db.session.scalars(statement.limit(200)))


def _visible(statement):
    return statement.where(Proposal.is_hidden.is_(False))


def _search(statement, text: str):
    text = text.strip()[:100]
    if text:
        statement = statement.where(
            sa.or_(
                Proposal.title.icontains(text, autoescape=True),
                Proposal.description.icontains(text, autoescape=True),
                Proposal.place.icontains(text, autoescape=True),
            )
        )
    return statement


@dataclass
class ListFilters:
    sort: str = "supports"
    category_id: int | None = None
    status: str | None = None
    text: str = ""
    min_supports: int | None = None

    @property
    def active(self) -> int:
        """How many filters are on (the sort is not one)."""
        return sum(map(bool, (self.text, self.category_id, self.status)))

    def as_args(self) -> dict:
        args = {"sort": self.sort}
        if self.category_id:
            args["category"] = self.category_id
        if self.status:
            args["status"] = self.status
        if self.text:
            args["q"] = self.text
        if self.min_supports:
            args["min_supports"] = self.min_supports
        return args


def parse_filters(args, sorts=PUBLIC_SORTS, statuses=None) -> ListFilters:
    """Only allow-listed sorts and statuses; anything odd falls back to the default."""
    statuses = statuses or [s.value for s in ProposalStatus]
    sort = args.get("sort", sorts[0])
    status = args.get("status") or None
    category = args.get("category", "")
    min_supports = args.get("min_supports", "")
    return ListFilters(
        sort=sort if sort in sorts else sorts[0],
        status=status if status in statuses else None,
        category_id=parse_id(category),
        text=(args.get("q") or "").strip()[:100],
        min_supports=parse_id(min_supports),
    )


def _in_call(call: ProposalCall):
    # The call is already loaded: each proposal finds it in the identity map, without a join.
    return sa.select(Proposal).where(Proposal.call_id == call.id).options(lazyload(Proposal.call))


def public_proposals(
    call: ProposalCall, filters: ListFilters, page: int, seed: tuple[int, int], per_page: int = 20
) -> Page:
    statement = _visible(_in_call(call))
    if filters.status:
        statement = statement.where(Proposal.status == filters.status)
    else:
        statement = statement.where(Proposal.status != ProposalStatus.WITHDRAWN)
    if filters.category_id:
        statement = statement.where(Proposal.category_id == filters.category_id)
    statement = _search(statement, filters.text)
    if filters.sort == "newest":
        statement = statement.order_by(Proposal.created_at.desc(), Proposal.id.desc())
    elif filters.sort == "random":
        a, b = seed
        shuffled = (sa.cast(Proposal.id, sa.BigInteger) * a + b) % RANDOM_PRIME
        statement = statement.order_by(shuffled, Proposal.id)
    else:
        statement = statement.order_by(Proposal.support_count.desc(), Proposal.id.desc())
    return paginate(statement, page, per_page)


LISTED_AT_MOST = 50  # a list page shows 20; more ids than this in a form are not from one of ours


def listed_proposals(call: ProposalCall, proposal_ids: list[int]) -> list[Proposal]:
    """The visible proposals of `call` among `proposal_ids` (the other cards of the list a person
    supported from, which the answer brings up to date); ids of other calls or hidden ones are left
    out."""
    if not proposal_ids:
        return []
    statement = _visible(_in_call(call)).where(Proposal.id.in_(proposal_ids[:LISTED_AT_MOST]))
    return list(db.session.scalars(statement.order_by(Proposal.id)))


def parse_ids(text: str | None) -> list[int]:
    """"12,15,18" from a form: the row ids that read, in order, at most LISTED_AT_MOST."""
    ids = [parse_id(part) for part in (text or "").split(",")[:LISTED_AT_MOST]]
    return [number for number in ids if number is not None]


def supported_ids(user, proposal_ids: list[int]) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not proposal_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Support.proposal_id).where(
                Support.user_id == user.id, Support.proposal_id.in_(proposal_ids)
            )
        )
    )


def supports_used(user, call: ProposalCall) -> int:
    if not getattr(user, "is_authenticated", False) or not call.support_cap:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count(Support.id)).where(Support.user_id == user.id, Support.call_id == call.id)
    )


def get_proposal(proposal_id: int) -> Proposal | None:
    """A proposal with its public history and its group's member count (never their names), for its page."""
    return db.session.get(
        Proposal, proposal_id, options=[selectinload(Proposal.history), undefer(Proposal.member_count)]
    )


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment]


COMMENT_THREADS_PER_PAGE = 50


def _visible_tops(proposal_id: int) -> sa.Select:
    return sa.select(Comment).where(
        Comment.proposal_id == proposal_id, Comment.is_hidden.is_(False), Comment.parent_id.is_(None)
    )


def visible_threads(proposal: Proposal, page: int = 1) -> Page:
    """A page of visible comments, oldest first, each with its visible replies (threads of one
    level; a hidden comment takes its replies with it). Three queries whatever the discussion."""
    statement = _visible_tops(proposal.id).order_by(Comment.created_at, Comment.id)
    result = paginate(statement, page, COMMENT_THREADS_PER_PAGE)
    replies: dict[int, list[Comment]] = {comment.id: [] for comment in result.items}
    if replies:
        for reply in db.session.scalars(
            sa.select(Comment)
            .where(Comment.parent_id.in_(list(replies)), Comment.is_hidden.is_(False))
            .order_by(Comment.created_at, Comment.id)
        ):
            replies[reply.parent_id].append(reply)
    result.items = [Thread(comment, replies[comment.id]) for comment in result.items]
    return result


def comment_page(comment: Comment) -> int:
    """The page of visible_threads that shows `comment` (a reply: its thread's page)."""
    top = db.session.get(Comment, comment.parent_id) if comment.parent_id else comment
    earlier = sa.or_(
        Comment.created_at < top.created_at,
        sa.and_(Comment.created_at == top.created_at, Comment.id < top.id),
    )
    before = db.session.scalar(
        sa.select(sa.func.count()).select_from(_visible_tops(top.proposal_id).where(earlier).subquery())
    )
    return (before or 0) // COMMENT_THREADS_PER_PAGE + 1


def my_proposals(user: User) -> list[Proposal]:
    return list(
        db.session.scalars(
            sa.select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.created_at.desc())
        )
    )


def review_queue(call: ProposalCall, filters: ListFilters, page: int, per_page: int = 30) -> Page:
    statement = _in_call(call)
    if filters.status:
        statement = statement.where(Proposal.status == filters.status)
    else:
        statement = statement.where(Proposal.status != ProposalStatus.WITHDRAWN)
    if filters.category_id:
        statement = statement.where(Proposal.category_id == filters.category_id)
    if filters.min_supports:
        statement = statement.where(Proposal.support_count >= filters.min_supports)
    statement = _search(statement, filters.text)
    if filters.sort == "oldest":
        statement = statement.order_by(Proposal.created_at, Proposal.id)
    else:
        statement = statement.order_by(Proposal.support_count.desc(), Proposal.id)
    return paginate(statement, page, per_page)


def open_reports(user: User, limit: int = 100) -> list[AbuseReport]:
    statement = (
        sa.select(AbuseReport)
        .where(AbuseReport.resolved_at.is_(None))
        .options(selectinload(AbuseReport.proposal), selectinload(AbuseReport.comment))
        .order_by(AbuseReport.created_at)
    )
    statement = _scope_reports(statement, user)
    return list(db.session.scalars(statement.limit(limit)))


def _moderated_call_ids(user: User):
    return sa.select(ProposalCall.id).where(
        ProposalCall.municipality_id.in_(user.municipality_ids(Role.REVIEWER))
    )


def _scope_reports(statement, user: User):
    if user.is_admin:
        return statement
    calls = _moderated_call_ids(user)
    commented = (
        sa.select(Comment.id)
        .join(Proposal, Comment.proposal_id == Proposal.id)
        .where(Proposal.call_id.in_(calls))
    )
    return statement.where(
        sa.or_(
            AbuseReport.proposal_id.in_(sa.select(Proposal.id).where(Proposal.call_id.in_(calls))),
            AbuseReport.comment_id.in_(commented),
        )
    )


def hidden_content(user: User, limit: int = 100) -> tuple[list[Proposal], list[Comment]]:
    proposals = sa.select(Proposal).where(Proposal.is_hidden.is_(True))
    comments = (
        sa.select(Comment)
        .join(Proposal, Comment.proposal_id == Proposal.id)
        .where(Comment.is_hidden.is_(True))
    )
    if not user.is_admin:
        calls = _moderated_call_ids(user)
        proposals = proposals.where(Proposal.call_id.in_(calls))
        comments = comments.where(Proposal.call_id.in_(calls))
    return (
        list(db.session.scalars(proposals.order_by(Proposal.updated_at.desc()).limit(limit))),
        list(db.session.scalars(comments.order_by(Comment.created_at.desc()).limit(limit))),
    )


# ---------------------------------------------------------------- results


def _days(later, earlier):
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", later - earlier) / 86400.0
    return sa.func.julianday(later) - sa.func.julianday(earlier)


@dataclass
class Summary:
    submitted: int
    supported: int
    answered: int
    accepted: int
    supports: int
    by_channel: list[tuple[str, int]]
    median_days: float | None
    longest_days: float | None


def results_summary(call: ProposalCall) -> Summary:
    """Counted in SQL: one aggregate row, one GROUP BY channel, and the median read at its offset."""
    counted = sa.and_(
        Proposal.call_id == call.id,
        Proposal.is_hidden.is_(False),
        Proposal.status != ProposalStatus.WITHDRAWN,
    )
    row = db.session.execute(
        sa.select(
            sa.func.count(Proposal.id),
            sa.func.count(Proposal.id).filter(Proposal.support_count > 0),
            sa.func.count(Proposal.id).filter(Proposal.first_answered_at.is_not(None)),
            sa.func.count(Proposal.id).filter(Proposal.status.in_(ACCEPTED_STATUSES)),
            sa.func.coalesce(sa.func.sum(Proposal.support_count), 0),
        ).where(counted)
    ).one()
    channels = dict(
        db.session.execute(
            sa.select(Proposal.channel, sa.func.count(Proposal.id)).where(counted).group_by(Proposal.channel)
        ).all()
    )
    by_channel = [(channel.value, channels.get(channel.value, 0)) for channel in Channel]

    review_opened = sa.literal(call.review_opens_at, type_=ProposalCall.review_opens_at.type)
    days = _days(Proposal.first_answered_at, review_opened)
    answered = sa.and_(counted, Proposal.first_answered_at.is_not(None))
    n, longest = db.session.execute(
        sa.select(sa.func.count(Proposal.id), sa.func.max(days)).where(answered)
    ).one()
    median = None
    if n:
        middle = list(
            db.session.scalars(
                sa.select(days).where(answered).order_by(days).offset((n - 1) // 2).limit(2 - n % 2)
            )
        )
        median = sum(float(d) for d in middle) / len(middle)
    return Summary(
        submitted=row[0],
        supported=row[1],
        answered=row[2],
        accepted=row[3],
        supports=int(row[4]),
        by_channel=by_channel,
        median_days=None if median is None else max(median, 0.0),
        longest_days=None if longest is None else max(float(longest), 0.0),
    )


def accepted_proposals(call: ProposalCall, limit: int = 200) -> list[Proposal]:
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .where(
                Proposal.call_id == call.id,
                Proposal.is_hidden.is_(False),
                Proposal.status.in_(ACCEPTED_STATUSES),
            )
            .order_by(Proposal.support_count.desc(), Proposal.id)
            .limit(limit)
        )
    )
