"""The report's event list follows the filters above it (programme, municipality, kind, dates), keeps
the event already chosen, and never lists or names an event of a municipality its reader may not see."""

from html.parser import HTMLParser

import pytest

from app.reports import queries
from tests.conftest import sign_in_as
from tests.factories import make_admin
from tests.reports.dataset import build_dataset


@pytest.fixture
def data():
    return build_dataset()


class _EventOptions(HTMLParser):
    def __init__(self):
        super().__init__()
        self.options, self.inside = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.inside = attrs.get("name") == "event"
        elif tag == "option" and self.inside and attrs.get("value"):
            self.options.append((int(attrs["value"]), "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "select":
            self.inside = False


def event_list(client, query: str, status: int = 200) -> list[tuple[int, bool]]:
    """The event select's options (event id, selected), in the page's order."""
    response = client.get("/reports?" + query)
    assert response.status_code == status
    parser = _EventOptions()
    parser.feed(response.get_data(as_text=True))
    return parser.options


def test_the_event_list_shows_the_events_the_other_filters_leave_the_latest_first(client, data):
    sign_in_as(client, make_admin())
    e1, e2, e3 = data.e1.id, data.e2.id, data.e3.id  # 2026-03-10 Oujda, 2025-06-02 Oujda, 2026-04-01 La Marsa
    assert event_list(client, "") == [(e3, False), (e1, False), (e2, False)]
    assert event_list(client, f"programme={data.programme.id}") == [(e1, False), (e2, False)]
    assert event_list(client, f"municipality={data.la_marsa.id}") == [(e3, False)]
    assert event_list(client, "event_type=training") == [(e2, False)]
    assert event_list(client, "date_from=2026-01-01&date_to=2026-03-31") == [(e1, False)]


def test_the_event_chosen_stays_listed_and_chosen_when_another_filter_leaves_it_out(client, data):
    sign_in_as(client, make_admin())
    options = event_list(client, f"programme={data.programme.id}&event={data.e3.id}")
    assert options == [(data.e3.id, True), (data.e1.id, False), (data.e2.id, False)]


def test_an_event_older_than_the_list_can_still_be_chosen(client, data, monkeypatch):
    monkeypatch.setattr(queries, "REPORT_EVENT_CHOICES", 1)
    sign_in_as(client, make_admin())
    assert event_list(client, "") == [(data.e3.id, False)]
    assert event_list(client, f"event={data.e2.id}") == [(data.e2.id, True)]


def test_a_cut_list_says_so_and_how_to_reach_the_older_events(client, data, monkeypatch):
    cut = ("The 2 latest of the programme, municipality, kind and dates chosen: "
           "choose dates to reach older ones.")
    monkeypatch.setattr(queries, "REPORT_EVENT_CHOICES", 2)
    sign_in_as(client, make_admin())
    assert event_list(client, "") == [(data.e3.id, False), (data.e1.id, False)]
    assert cut in client.get("/reports").get_data(as_text=True)
    # The dates leave two events: both are listed, and nothing is said to be left out.
    assert event_list(client, "date_from=2026-01-01") == [(data.e3.id, False), (data.e1.id, False)]
    assert cut not in client.get("/reports?date_from=2026-01-01").get_data(as_text=True)
    assert event_list(client, "date_to=2025-12-31") == [(data.e2.id, False)]


def test_an_organiser_is_never_listed_nor_given_another_municipalitys_event(client, data):
    sign_in_as(client, data.organiser)  # Oujda's
    assert event_list(client, "") == [(data.e1.id, False), (data.e2.id, False)]
    refused = client.get(f"/reports?event={data.e3.id}")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Choose from the list." in page
    assert f">{data.e3.title_fr} · " not in page
    assert event_list(client, f"event={data.e3.id}", status=422) == [(data.e1.id, False), (data.e2.id, False)]


def test_a_filter_the_reader_may_not_use_narrows_nothing_and_names_nothing(client, data):
    sign_in_as(client, data.organiser_marsa)
    # Oujda's programme is not among La Marsa's organiser's choices: refused, and its events stay unnamed.
    assert event_list(client, f"programme={data.programme.id}", status=422) == [(data.e3.id, False)]
    page = client.get(f"/reports?programme={data.programme.id}").get_data(as_text=True)
    assert f">{data.e1.title_fr} · " not in page and f">{data.e2.title_fr} · " not in page
