"""A proposal's status is an enum carrying its label; its badge (word and colour) comes from one
template per status (templates/proposals/states/), named by the status, on every page that shows it."""

import pytest
from markupsafe import escape

from app.proposals.models import ProposalStatus
from tests.conftest import sign_in_as
from tests.factories import make_call, make_proposal, make_user

TONES = {
    ProposalStatus.SUBMITTED: "badge",
    ProposalStatus.UNDER_STUDY: "badge warn",
    ProposalStatus.ACCEPTED: "badge ok",
    ProposalStatus.REJECTED: "badge danger",
    ProposalStatus.IN_PROGRESS: "badge ok",
    ProposalStatus.DONE: "badge ok",
    ProposalStatus.WITHDRAWN: "badge",
}


@pytest.mark.parametrize("status", ProposalStatus, ids=str)
def test_each_status_has_its_template(app, status):
    assert callable(app.jinja_env.get_template(status.partial).module.badge)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_each_status_reads_the_same_on_the_proposal_the_results_and_the_review_queue(
    app, client, oujda, reviewer, language
):
    call = make_call(oujda, phase="review")
    author = make_user("Aminata")
    proposals = {status: make_proposal(call, author, status=status) for status in ProposalStatus}
    headers = {"Accept-Language": language}
    with app.test_request_context(headers=headers):
        badges = {
            status: f'<span class="{TONES[status]}">{escape(status.label)}</span>'
            for status in ProposalStatus
        }
    for status, proposal in proposals.items():
        assert badges[status] in client.get(f"/proposals/{proposal.id}", headers=headers).text
    results = client.get(f"/calls/{call.id}/results", headers=headers).text
    sign_in_as(client, reviewer)
    queue = client.get(f"/manage/calls/{call.id}/review", headers=headers).text
    for status in (ProposalStatus.SUBMITTED, ProposalStatus.UNDER_STUDY):  # the queue's waiting ones
        assert badges[status] in queue
    for status in (ProposalStatus.ACCEPTED, ProposalStatus.IN_PROGRESS, ProposalStatus.DONE):  # accepted ones
        assert badges[status] in results


def test_a_withdrawn_proposal_takes_no_support_and_no_comment(client, oujda, resident):
    call = make_call(oujda, phase="support")
    withdrawn = make_proposal(call, make_user("Aminata"), status=ProposalStatus.WITHDRAWN)
    standing = make_proposal(call, make_user("Moussa"))
    sign_in_as(client, resident)
    assert ">Support</button>" in client.get(f"/proposals/{standing.id}").text
    page = client.get(f"/proposals/{withdrawn.id}").text
    assert ">Support</button>" not in page and "Publish the comment" not in page
