"""The filters of the events list, a call's proposals and the directory fold behind one button on a
phone (a <details>, no script): closed unless a filter was refused, the button counting the filters
on, the form inside it unchanged (it works the same without JavaScript)."""

import re

import pytest

from tests.factories import make_call, make_event, make_municipality

FOLD = re.compile(
    r'<details class="phone-fold filters-fold"( open)?>\s*<summary id="filters-summary"><span>([^<]*)</span>'
    r'( <span class="badge">([^<]*)</span>)?'
)


def _fold(html: str):
    match = FOLD.search(html)
    assert match, "no folded filters"
    form = html.index('class="filters"')
    assert match.start() < form < html.index("</details>", match.start())  # the form is inside the fold
    return bool(match.group(1)), match.group(2), match.group(4)


@pytest.fixture
def pages():
    oujda = make_municipality("oujda")
    make_event(oujda, title="Atelier couture")
    call = make_call(oujda, phase="support")
    return {"events": "/{lang}/events", "call": f"/{{lang}}/calls/{call.id}",
            "directory": "/{lang}/directory/"}


@pytest.mark.parametrize("page", ["events", "call", "directory"])
def test_folded_and_closed_with_no_filter(client, pages, page):
    french = client.get(pages[page].format(lang="fr")).get_data(as_text=True)
    arabic = client.get(pages[page].format(lang="ar")).get_data(as_text=True)
    assert _fold(french) == (False, "Filtres", None)
    assert _fold(arabic) == (False, "عوامل التصفية", None)


@pytest.mark.parametrize(
    ("page", "query"),
    [("events", "?q=couture&type=workshop"), ("call", "?q=jardin&status=submitted"),
     ("directory", "?q=sant%C3%A9&open_now=1")],
)
def test_the_button_counts_the_filters_on_and_the_results_stay_first(client, pages, page, query):
    html = client.get(pages[page].format(lang="en") + query).get_data(as_text=True)
    assert _fold(html) == (False, "Filters", "2 active")


def test_a_refused_date_opens_the_filters_to_show_it(client, pages):
    html = client.get("/en/events?date=1999-01-01").get_data(as_text=True)
    is_open, _label, badge = _fold(html)
    assert is_open and badge == "1 active"
    assert 'value="1999-01-01"' in html and 'aria-invalid="true"' in html
