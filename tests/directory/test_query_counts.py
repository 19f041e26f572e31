"""The directory's pages run the same number of queries with one entry or many (the benchmark has
10,000): the list (filtered, open now), an entry, the brochure and the staff list."""

from tests.conftest import sign_in_as
from tests.events.test_query_counts import queries_for
from tests.factories import make_organiser, make_service

PAGES = (
    "/directory/",
    "/directory/?need=legal_aid&language=wo&open_now=1&walk_in=1&no_documents=1&q=desk",
    "/directory/brochure?municipality=oujda",
)


def test_directory_pages_do_not_grow_with_the_directory(client, oujda, la_marsa):
    first = make_service(oujda)
    single = [queries_for(client, url) for url in (*PAGES, f"/directory/{first.id}")]
    for n in range(24):
        make_service(oujda if n % 2 else la_marsa, name={"en": f"Desk {n}"}, exceptions="2026-12-25: closed")
    many = [queries_for(client, url) for url in (*PAGES, f"/directory/{first.id}")]
    assert many == single
    assert max(many) <= 8


def test_the_staff_list_does_not_grow(client, oujda):
    sign_in_as(client, make_organiser(oujda))
    make_service(oujda)
    one = queries_for(client, "/manage/directory/")
    for n in range(24):
        make_service(oujda, name={"en": f"Desk {n}"}, sensitivity="staff" if n % 3 else "public")
    assert queries_for(client, "/manage/directory/") == one
