"""Supporting from a call's list: the answer brings every card of the list up to date (htmx
out-of-band swaps), so "used N of 2" and the Support buttons follow; without JavaScript the redirect
shows the same. And a proposal page says it has no comments once."""

import re

from tests.conftest import sign_in_as
from tests.factories import make_call, make_municipality, make_proposal, make_support, make_user

HTMX = {"HX-Request": "true"}


def _boxes(html: str) -> dict[int, str]:
    """Each support box of a page or an answer, by proposal id."""
    return {
        int(match.group(1)): match.group(0)
        for match in re.finditer(r'<div class="support" id="support-(\d+)".*?</div>', html, re.S)
    }


def _listed(client, call) -> dict[int, str]:
    return _boxes(client.get(f"/en/calls/{call.id}").get_data(as_text=True))


def test_supporting_from_the_list_updates_every_card(client, oujda, resident):
    call = make_call(oujda, phase="support", support_cap=2)
    first, second, third = (make_proposal(call, make_user()) for _ in range(3))
    sign_in_as(client, resident)
    page = client.get(f"/en/calls/{call.id}").get_data(as_text=True)
    shown = re.search(r'name="shown" value="([\d,]+)"', page).group(1)
    assert sorted(int(n) for n in shown.split(",")) == sorted([first.id, second.id, third.id])

    form = {"next": f"/en/calls/{call.id}", "shown": shown}
    answer = client.post(f"/en/proposals/{first.id}/support", headers=HTMX, data=form).get_data(as_text=True)
    boxes = _boxes(answer)
    assert set(boxes) == {first.id, second.id, third.id}
    assert "hx-swap-oob" not in boxes[first.id] and "withdraw my support" in boxes[first.id]
    for other in (second, third):
        assert 'hx-swap-oob="true"' in boxes[other.id]
        assert "You have used 1 of your 2 supports." in boxes[other.id]
        assert ">Support</button>" in boxes[other.id]
        assert f'name="shown" value="{shown}"' in boxes[other.id]  # they keep working

    form = {"next": f"/en/calls/{call.id}", "shown": shown}
    answer = client.post(f"/en/proposals/{second.id}/support", headers=HTMX, data=form).get_data(as_text=True)
    boxes = _boxes(answer)
    # The cap is reached: the third card says so instead of offering a Support that would be refused.
    assert "You have used 2 of your 2 supports." in boxes[third.id]
    assert "first withdraw one of your supports" in boxes[third.id] and "<button" not in boxes[third.id]
    assert "withdraw my support" in boxes[first.id]
    # The whole list, as a reload or the page after the redirect without JavaScript, says the same.
    listed = _listed(client, call)
    assert "first withdraw one of your supports" in listed[third.id]
    assert "You have used 2 of your 2 supports." in listed[first.id]

    answer = client.post(
        f"/en/proposals/{first.id}/unsupport", headers=HTMX, data={"shown": shown}
    ).get_data(as_text=True)
    assert ">Support</button>" in _boxes(answer)[third.id]
    assert "You have used 1 of your 2 supports." in _boxes(answer)[third.id]


def test_without_javascript_the_redirect_shows_the_list_as_it_now_is(client, oujda, resident):
    call = make_call(oujda, phase="support", support_cap=1)
    first, second = make_proposal(call, make_user()), make_proposal(call, make_user())
    sign_in_as(client, resident)
    back = f"/en/calls/{call.id}?sort=newest"
    response = client.post(f"/en/proposals/{first.id}/support", data={"next": back})
    assert response.status_code == 303 and response.headers["Location"] == back
    listed = _listed(client, call)
    assert "first withdraw one of your supports" in listed[second.id]


def test_the_answer_names_only_visible_proposals_of_the_same_call(client, oujda, resident):
    call = make_call(oujda, phase="support", support_cap=3)
    other_call = make_call(make_municipality("la-marsa"), phase="support")
    mine = make_proposal(call, make_user())
    hidden = make_proposal(call, make_user(), is_hidden=True)
    elsewhere = make_proposal(other_call, make_user())
    sign_in_as(client, resident)
    shown = f"{mine.id},{hidden.id},{elsewhere.id},x,99999999999,"
    response = client.post(f"/en/proposals/{mine.id}/support", headers=HTMX, data={"shown": shown})
    assert response.status_code == 200
    assert set(_boxes(response.get_data(as_text=True))) == {mine.id}


def test_a_proposal_page_says_no_comments_once(client, oujda):
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    page = client.get(f"/en/proposals/{proposal.id}").get_data(as_text=True)
    assert page.count("No comment yet.") == 1
    assert "0 comments" not in page and '<h2 id="comments-heading">Comments</h2>' in page
    supporter = make_user("Moussa")
    make_support(proposal, supporter)
    sign_in_as(client, supporter)
    client.post(f"/en/proposals/{proposal.id}/comments", data={"body": "Bonne idée, je viens aider."})
    page = client.get(f"/en/proposals/{proposal.id}").get_data(as_text=True)
    assert "1 comment</h2>" in page and "No comment yet." not in page
