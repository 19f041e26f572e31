"""One loader per object: 404 for what does not exist or is hidden from this person, 403 for the rest."""

import secrets

from flask import abort, flash, render_template, session
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.extensions import db
from app.proposals import permissions, queries
from app.proposals.models import AbuseReport, Comment, Proposal, ProposalCall
from app.proposals.text import linkify
from app.proposals.views import bp

bp.add_app_template_filter(linkify, "linkify")


def get_call_or_404(call_id: int, manage: bool = False) -> ProposalCall:
    call = db.session.get(ProposalCall, call_id)
    if call is None:
        abort(404)
    if manage and not permissions.can_manage_call(current_user, call):
        abort(403)
    return call


def get_proposal_or_404(proposal_id: int, manage: bool = False) -> Proposal:
    proposal = queries.get_proposal(proposal_id)
    if proposal is None or not permissions.can_see_proposal(current_user, proposal):
        abort(404)
    if manage and not permissions.can_manage_call(current_user, proposal.call):
        abort(403)
    return proposal


def get_comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    proposal = get_proposal_or_404(comment.proposal_id)
    if comment.is_hidden and not permissions.can_moderate(current_user, proposal):
        abort(404)
    return comment


def get_report_or_404(report_id: int) -> AbuseReport:
    report = db.session.get(AbuseReport, report_id)
    if report is None:
        abort(404)
    return report


def random_seed() -> tuple[int, int]:
    """The visitor's own shuffle, kept in their session so pages do not repeat or skip proposals."""
    seed = session.get("proposal_seed")
    if not (isinstance(seed, list) and len(seed) == 2 and all(isinstance(v, int) for v in seed)):
        seed = [secrets.randbelow(2_147_483_646) + 1, secrets.randbelow(2_147_483_647)]
        session["proposal_seed"] = seed
    return seed[0], seed[1]


def flash_error(error) -> None:
    flash(error.message, "error")


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(_error):
    return render_template(
        "proposals/too_large.html", message=_("The photo is too large: 5 MB at most.")
    ), 413


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
