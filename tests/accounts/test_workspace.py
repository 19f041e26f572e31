"""The workspace links each staff role to its tools; residents get 403."""

from tests.conftest import sign_in_as
from tests.factories import make_admin, make_municipality, make_organiser, make_reviewer, make_user
from tests.query_count import count_queries


def test_a_resident_gets_403(client):
    sign_in_as(client, make_user())
    assert client.get("/workspace").status_code == 403


def test_an_organiser_sees_the_event_desk_and_report_tools_for_their_municipality(client):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_organiser(oujda))
    page = client.get("/workspace")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    hrefs = (b'href="/en/manage/events"', b'href="/en/desk"', b'href="/en/accounts/desk"',
             b'href="/en/programmes"')
    for href in hrefs:
        assert href in page.data
    assert b"For: Oujda" in page.data
    assert b'href="/en/manage/calls"' not in page.data and b'href="/en/admin/people"' not in page.data


def test_a_reviewer_sees_the_review_tools_only(client):
    marsa = make_municipality("la-marsa")
    sign_in_as(client, make_reviewer(marsa))
    page = client.get("/ar/workspace")
    assert b'href="/ar/manage/calls"' in page.data
    assert b'href="/ar/manage/events"' not in page.data and b'href="/ar/accounts/desk"' not in page.data
    assert "المرسى".encode() in page.data


def test_an_administrator_sees_every_tool(client):
    sign_in_as(client, make_admin())
    page = client.get("/workspace")
    for href in (b'href="/en/manage/events"', b'href="/en/manage/calls"', b'href="/en/admin/people"',
                 b'href="/en/accounts/desk"'):
        assert href in page.data


def test_the_nav_links_to_the_workspace_only_for_staff(client):
    sign_in_as(client, make_user())
    assert b'href="/en/workspace"' not in client.get("/").data
    sign_in_as(client, make_admin())
    assert b'href="/en/workspace"' in client.get("/").data


def test_the_desk_page_query_count_does_not_grow(client):
    oujda = make_municipality("oujda")
    sign_in_as(client, make_organiser(oujda))
    make_user("Aminata 0", municipality=oujda)
    client.get("/accounts/desk?q=aminata")
    with count_queries() as few:
        client.get("/accounts/desk?q=aminata")
    for n in range(1, 30):
        make_user(f"Aminata {n}", municipality=oujda)
    with count_queries() as many:
        page = client.get("/accounts/desk?q=aminata")
    assert page.data.count(b"Give a password link") == 10
    assert len(many) == len(few)
