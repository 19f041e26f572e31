"""The public list: sorts, filters, search, pagination, htmx; query counts that do not grow."""

import re

import pytest

from app.proposals.models import ProposalStatus
from tests.conftest import sign_in_as
from tests.factories import make_call, make_comment, make_proposal, make_reviewer, make_support, make_user
from tests.query_count import count_queries


def _titles(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/en/proposals/\d+"><bdi>([^<]+)</bdi></a></h3>', page)


@pytest.fixture
def listed(oujda):
    call = make_call(oujda, phase="support")
    voter = [make_user() for _ in range(3)]
    made = {}
    for i, (title, supports) in enumerate([("Bibliothèque", 1), ("Terrain de foot", 3), ("Fresque", 0)]):
        made[title] = make_proposal(call, make_user(), title=title, category=call.categories[i])
        for person in voter[:supports]:
            make_support(made[title], person)
    make_proposal(call, make_user(), title="Retirée", status=ProposalStatus.WITHDRAWN)
    return call, made


def test_sorted_by_most_supported_by_default(client, listed):
    call, _ = listed
    assert _titles(client.get(f"/calls/{call.id}").get_data(as_text=True)) == [
        "Terrain de foot",
        "Bibliothèque",
        "Fresque",
    ]


def test_newest_and_random_stable_per_visitor(client, listed):
    call, _ = listed
    assert _titles(client.get(f"/calls/{call.id}?sort=newest").get_data(as_text=True))[0] == "Fresque"
    first = _titles(client.get(f"/calls/{call.id}?sort=random").get_data(as_text=True))
    again = _titles(client.get(f"/calls/{call.id}?sort=random").get_data(as_text=True))
    assert first == again and sorted(first) == ["Bibliothèque", "Fresque", "Terrain de foot"]


def test_filters_search_and_odd_parameters(client, listed):
    call, made = listed
    by_category = client.get(f"/calls/{call.id}?category={call.categories[1].id}").get_data(as_text=True)
    assert _titles(by_category) == ["Terrain de foot"]
    assert _titles(client.get(f"/calls/{call.id}?q=fresq").get_data(as_text=True)) == ["Fresque"]
    assert _titles(client.get(f"/calls/{call.id}?q=100%25").get_data(as_text=True)) == []
    withdrawn = client.get(f"/calls/{call.id}?status=withdrawn").get_data(as_text=True)
    assert _titles(withdrawn) == ["Retirée"]
    odd = client.get(f"/calls/{call.id}?sort=drop+table&status=<x>&category=abc&page=-4")
    assert odd.status_code == 200 and len(_titles(odd.get_data(as_text=True))) == 3


def test_htmx_gets_the_list_fragment_from_the_same_url(client, listed):
    call, _ = listed
    response = client.get(f"/calls/{call.id}?sort=newest", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="proposal-list"' in body and "HX-Request" in response.headers["Vary"]


def test_a_filter_changed_through_htmx_brings_the_sign_in_link_for_the_new_address(client, listed):
    call, _ = listed
    fragment = client.get(f"/calls/{call.id}?sort=newest&q=foot", headers={"HX-Request": "true"}).text
    assert f'<a href="/en/sign-in?next=/en/calls/{call.id}?sort%3Dnewest%26q%3Dfoot">Sign in</a>' in fragment
    assert f'<a href="/fr/calls/{call.id}?sort=newest&amp;q=foot" lang="fr"' in fragment
    assert 'id="site-nav" aria-label="Main menu" hx-swap-oob="true"' in fragment
    assert '<span>Filters</span> <span class="badge">1 active</span></summary>' in fragment  # q; not the sort


def test_pagination_links_keep_the_filters(client, oujda):
    call = make_call(oujda, phase="support")
    for i in range(25):
        make_proposal(call, None, title=f"Projet {i:02d}")
    page = client.get(f"/calls/{call.id}?sort=newest&q=Projet").get_data(as_text=True)
    assert len(_titles(page)) == 20
    assert re.search(r'href="/en/calls/\d+\?[^"]*page=2', page) and "q=Projet" in page
    second = client.get(f"/calls/{call.id}?sort=newest&q=Projet&page=2").get_data(as_text=True)
    assert len(_titles(second)) == 5


def _world(oujda, n):
    call = make_call(oujda, phase="support", support_cap=50)
    viewer = make_user()
    people = [make_user() for _ in range(n)]
    proposals = [make_proposal(call, people[i]) for i in range(n)]
    for i in range(n):
        make_support(proposals[0], people[i] if i else viewer)
        make_support(proposals[i], viewer) if i else None
        parent = make_comment(proposals[0], people[i])
        make_comment(proposals[0], people[(i + 1) % n], parent=parent)
    for proposal in proposals:
        proposal.history  # noqa: B018
    return call, proposals[0], viewer


@pytest.mark.parametrize("signed_in", [False, True])
def test_query_counts_do_not_grow_with_the_data(app, client, oujda, signed_in):
    counts = []
    for n in (1, 30):
        call, proposal, viewer = _world(oujda, n)
        call_id, proposal_id = call.id, proposal.id  # read before counting: only the requests count
        if signed_in:
            sign_in_as(client, viewer)
        with count_queries() as list_queries:
            assert client.get(f"/en/calls/{call_id}?sort=supports").status_code == 200
        with count_queries() as page_queries:
            page = client.get(f"/en/proposals/{proposal_id}")
            assert page.status_code == 200
        reviewer_client = sign_in_as(app.test_client(), make_reviewer(oujda))
        with count_queries() as queue_queries:
            assert reviewer_client.get(f"/en/manage/calls/{call_id}/review").status_code == 200
        counts.append((len(list_queries), len(page_queries), len(queue_queries)))
    print("query counts (list, proposal page, queue) for 1 and 30 rows:", counts)
    assert counts[0] == counts[1], counts
