"""The benchmarked pages not covered by a domain's own query-count test (bench/pages.py): the home
page and the events list as `make bench` asks for them, filtered by type and town, in Arabic."""

from datetime import timedelta

from tests.events.test_query_counts import queries_for
from tests.factories import make_event, make_municipality

FILTERED = "/events?type=workshop&municipality=oujda"


def test_home_and_filtered_arabic_events_list_do_not_grow(client):
    oujda, marsa = make_municipality("oujda"), make_municipality("la-marsa")
    make_event(oujda, event_type="workshop", sessions=2)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    one = (queries_for(client, "/"), queries_for(client, "/events"), queries_for(client, FILTERED))
    for n in range(29):
        make_event(oujda if n % 2 else marsa, event_type="workshop", sessions=2, capacity=10,
                   starts_in=timedelta(days=3, hours=n))
    thirty = (queries_for(client, "/"), queries_for(client, "/events"), queries_for(client, FILTERED))
    assert thirty == one
    assert 'dir="rtl"' in client.get(FILTERED).text
