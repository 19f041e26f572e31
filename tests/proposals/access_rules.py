"""Access rules for calls, proposals, supports, comments, reports, review and moderation."""

from tests.access.rules import Route, everyone, only, signed_in
from tests.factories import make_user
from tests.factories.proposals import (
    make_abuse_report,
    make_call,
    make_comment,
    make_photo_file,
    make_proposal,
)

MANAGERS = ("reviewer", "admin")
ANY_REVIEWER = ("reviewer_other", "reviewer", "admin")
PROPOSAL_FORM = {"title": "Un jardin", "description": "trop court", "category_id": "0"}


def build_world(oujda, la_marsa, cast) -> dict:
    author = make_user("Author")
    sub_call = make_call(oujda, phase="submission")
    call = make_call(oujda, phase="support")
    review_call = make_call(oujda, phase="review")
    draft = make_proposal(sub_call, cast["resident"], photo_name=make_photo_file())
    proposal = make_proposal(call, author)
    comment = make_comment(proposal, author)
    report = make_abuse_report(author, proposal=proposal)
    review_proposal = make_proposal(review_call, author)
    return {
        "sub_call": sub_call,
        "call": call,
        "draft_proposal": draft,
        "proposal": proposal,
        "comment": comment,
        "report": report,
        "review_proposal": review_proposal,
    }


WITHDRAW = "/proposals/{draft_proposal.id}/withdraw"

RULES = [
    Route("GET", "proposals.list_calls", "/calls", everyone(200)),
    Route("GET", "proposals.show_call", "/calls/{call.id}", everyone(200)),
    Route("GET", "proposals.call_results", "/calls/{call.id}/results", everyone(200)),
    Route("GET", "proposals.show_proposal", "/proposals/{proposal.id}", everyone(200)),
    Route("GET", "proposals.proposal_photo", "/proposals/{draft_proposal.id}/photo", everyone(200)),
    Route("GET", "proposals.submit_proposal", "/calls/{sub_call.id}/propose", signed_in(200)),
    Route(
        "POST",
        "proposals.submit_proposal",
        "/calls/{sub_call.id}/propose",
        signed_in(422),
        data=PROPOSAL_FORM,
    ),
    Route(
        "GET", "proposals.submit_assisted", "/calls/{sub_call.id}/assisted", only(200, "organiser", "admin")
    ),
    Route(
        "POST",
        "proposals.submit_assisted",
        "/calls/{sub_call.id}/assisted",
        only(422, "organiser", "admin"),
        data=PROPOSAL_FORM,
    ),
    Route("GET", "proposals.edit_proposal", "/proposals/{draft_proposal.id}/edit", only(200, "resident")),
    Route(
        "POST",
        "proposals.edit_proposal",
        "/proposals/{draft_proposal.id}/edit",
        only(422, "resident"),
        data=PROPOSAL_FORM,
    ),
    # Withdrawing asks once more (GET, or POST without "confirmed"), then withdraws.
    Route("GET", "proposals.withdraw_proposal", WITHDRAW, only(200, "resident")),
    Route("POST", "proposals.withdraw_proposal", WITHDRAW, only(200, "resident")),
    Route("POST", "proposals.withdraw_proposal", WITHDRAW, only(303, "resident"), data={"confirmed": "1"}),
    Route("POST", "proposals.support_proposal", "/proposals/{proposal.id}/support", signed_in(303)),
    Route("POST", "proposals.withdraw_support", "/proposals/{proposal.id}/unsupport", signed_in(303)),
    Route(
        "POST",
        "proposals.add_comment",
        "/proposals/{proposal.id}/comments",
        signed_in(303),
        data={"body": "Je soutiens."},
    ),
    Route("GET", "proposals.report_proposal", "/proposals/{proposal.id}/report", signed_in(200)),
    Route(
        "POST",
        "proposals.report_proposal",
        "/proposals/{proposal.id}/report",
        signed_in(303),
        data={"reason": "Insultant"},
    ),
    Route("GET", "proposals.report_comment", "/comments/{comment.id}/report", signed_in(200)),
    Route(
        "POST",
        "proposals.report_comment",
        "/comments/{comment.id}/report",
        signed_in(303),
        data={"reason": "Insultant"},
    ),
    Route("GET", "proposals.my_proposals", "/me/proposals", signed_in(200)),
    Route("GET", "proposals.manage_calls", "/manage/calls", only(200, *ANY_REVIEWER)),
    Route("GET", "proposals.create_call", "/manage/calls/new", only(200, *ANY_REVIEWER)),
    Route("POST", "proposals.create_call", "/manage/calls/new", only(422, *ANY_REVIEWER),
          data={"title_fr": ""}),
    Route("GET", "proposals.edit_call", "/manage/calls/{call.id}/edit", only(200, *MANAGERS)),
    Route(
        "POST",
        "proposals.edit_call",
        "/manage/calls/{call.id}/edit",
        only(422, *MANAGERS),
        data={"title_fr": ""},
    ),
    Route("GET", "proposals.review_queue", "/manage/calls/{call.id}/review", only(200, *MANAGERS)),
    Route(
        "GET",
        "proposals.answer_proposal",
        "/manage/proposals/{review_proposal.id}/answer",
        only(200, *MANAGERS),
    ),
    Route(
        "POST",
        "proposals.answer_proposal",
        "/manage/proposals/{review_proposal.id}/answer",
        only(303, *MANAGERS),
        data={"status": "under_study", "answer_text_fr": "Nous étudions."},
    ),
    Route("GET", "proposals.moderation_queue", "/manage/moderation", only(200, *ANY_REVIEWER)),
    Route(
        "POST",
        "proposals.moderate_proposal",
        "/manage/moderation/proposals/{proposal.id}",
        only(303, *MANAGERS),
        data={"action": "hide", "reason": "Insultant"},
    ),
    Route(
        "POST",
        "proposals.moderate_comment",
        "/manage/moderation/comments/{comment.id}",
        only(303, *MANAGERS),
        data={"action": "hide", "reason": "Insultant"},
    ),
    Route("POST", "proposals.dismiss_report", "/manage/reports/{report.id}/dismiss", only(303, *MANAGERS)),
]
