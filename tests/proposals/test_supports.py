"""Supports: one per person, the call's cap, the phase, htmx and plain forms; the count equals the rows."""

import sqlalchemy as sa

from app.extensions import db
from app.proposals.models import Proposal, ProposalStatus, Support
from tests.conftest import sign_in_as
from tests.factories import make_call, make_proposal, make_user

HTMX = {"HX-Request": "true"}


def _rows(proposal_id=None):
    statement = sa.select(sa.func.count(Support.id))
    if proposal_id:
        statement = statement.where(Support.proposal_id == proposal_id)
    return db.session.scalar(statement)


def _count(proposal):
    return db.session.get(Proposal, proposal.id, populate_existing=True).support_count


def test_one_tap_with_htmx_updates_button_and_count(client, oujda, resident):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    sign_in_as(client, resident)
    response = client.post(f"/proposals/{proposal.id}/support", headers=HTMX, data={"next": "/calls"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and f'id="support-{proposal.id}"' in fragment
    assert "<strong>1</strong>" in fragment and "withdraw my support" in fragment
    assert "HX-Request" in response.headers["Vary"]
    response = client.post(f"/proposals/{proposal.id}/unsupport", headers=HTMX)
    assert "<strong>0</strong>" in response.get_data(as_text=True)
    assert _rows() == 0 and _count(proposal) == 0


def test_without_javascript_it_is_a_form_that_redirects_back(client, oujda, resident):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    sign_in_as(client, resident)
    response = client.post(
        f"/proposals/{proposal.id}/support", data={"next": f"/en/calls/{call.id}?sort=newest"}
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/en/calls/{call.id}?sort=newest"
    assert _count(proposal) == 1
    # an outside next= is ignored
    response = client.post(f"/proposals/{proposal.id}/support", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/en/calls"


def test_supporting_twice_counts_once(client, oujda, resident):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    sign_in_as(client, resident)
    for _ in range(3):
        client.post(f"/proposals/{proposal.id}/support", headers=HTMX)
    assert _rows() == 1 and _count(proposal) == 1


def test_database_refuses_a_second_row(oujda, resident):
    import pytest
    from sqlalchemy.exc import IntegrityError

    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    db.session.add(Support(proposal_id=proposal.id, user_id=resident.id, call_id=call.id))
    db.session.commit()
    db.session.add(Support(proposal_id=proposal.id, user_id=resident.id, call_id=call.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_supports_only_during_the_support_phase(client, oujda, resident):
    for phase in ("submission", "review", "results"):
        call = make_call(oujda, phase=phase)
        proposal = make_proposal(call, make_user())
        sign_in_as(client, resident)
        response = client.post(f"/proposals/{proposal.id}/support", headers=HTMX)
        assert "Supports are only possible during the support phase." in response.get_data(as_text=True)
    assert _rows() == 0


def test_supporting_ones_own_withdrawn_proposal_is_refused(client, oujda, resident):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, resident, status=ProposalStatus.WITHDRAWN)
    sign_in_as(client, resident)
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 303
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "This proposal was withdrawn: it cannot be supported." in page
    assert _rows() == 0


def test_own_proposal_cannot_be_supported(client, oujda, resident):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, resident)
    sign_in_as(client, resident)
    response = client.post(f"/proposals/{proposal.id}/support", headers=HTMX)
    assert "You cannot support your own proposal." in response.get_data(as_text=True)
    assert _rows() == 0


def test_the_cap_is_enforced_and_frees_up_after_a_withdrawal(client, oujda, resident):
    call = make_call(oujda, phase="support", support_cap=2)
    proposals = [make_proposal(call, make_user()) for _ in range(3)]
    sign_in_as(client, resident)
    for proposal in proposals[:2]:
        client.post(f"/proposals/{proposal.id}/support", headers=HTMX)
    response = client.post(f"/proposals/{proposals[2].id}/support", headers=HTMX)
    assert "You have already supported 2 proposals in this call" in response.get_data(as_text=True)
    assert _rows() == 2 and _count(proposals[2]) == 0
    client.post(f"/proposals/{proposals[0].id}/unsupport", headers=HTMX)
    client.post(f"/proposals/{proposals[2].id}/support", headers=HTMX)
    assert _count(proposals[2]) == 1 and _rows() == 2


def test_anonymous_sees_a_sign_in_link_not_a_button(client, oujda):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Sign in to support" in page
    assert client.post(f"/proposals/{proposal.id}/support").status_code == 302
    assert _rows() == 0


def test_with_csrf_on_htmx_sends_the_token_from_the_page_and_a_forged_post_fails(
    app, client, oujda, resident
):
    import re

    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    sign_in_as(client, resident)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        forged = client.post(f"/proposals/{proposal.id}/support", headers=HTMX)
        assert forged.status_code == 400 and _rows() == 0
        page = client.get(f"/calls/{call.id}").get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        response = client.post(f"/proposals/{proposal.id}/support", headers={**HTMX, "X-CSRFToken": token})
        assert response.status_code == 200 and _rows() == 1
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
