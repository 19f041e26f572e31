"""axe on every page the demo data shows a visitor, a resident, an organiser and an administrator
(one address of each shape, reached by following links from the home page as tests/test_every_link.py
does), in Arabic and in French, on a 360 px phone: nothing serious or critical anywhere, and no page
wider than the screen (a table scrolls inside its frame, the page does not)."""

import re

import pytest

from app.accounts.demo import DEMO_PASSWORD
from app.demo import seed_demo
from app.extensions import db
from tests.browser.accessibility import serious_violations
from tests.browser.test_accounts import sign_in
from tests.test_every_link import ROLES, shape_of

# The link crawl's people, but the second organiser and the reviewer: their pages are the same pages.
ACCOUNTS = {role: ROLES[role] for role in ("visitor", "resident", "organiser", "administrator")}


def _addresses(page, language: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href^='/']:not([hreflang]):not([download])",
                                      "links => links.map(link => link.getAttribute('href'))")
    return [href for href in hrefs if href.startswith(f"/{language}/")]


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_reached_passes_axe(page, live_server, role, language):
    seed_demo()
    db.session.commit()
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 360, "height": 740})  # a small phone
    if ACCOUNTS[role]:
        sign_in(page, live_server, ACCOUNTS[role], DEMO_PASSWORD)
        page.wait_for_url(re.compile(rf".*/{language}/$"))
    queue, shapes, found, checked = [f"/{language}/"], set(), {}, 0
    while queue:
        address = queue.pop(0)
        answer = page.request.get(live_server + address)  # a calendar or an export is not a page
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        page.goto(live_server + address)
        checked += 1
        problems = serious_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            problems.append(f"{width} px wide: the page scrolls sideways")
        if problems:
            found[address] = problems
        for target in _addresses(page, language):
            if shape_of(target) not in shapes and "/sign-out" not in target:
                shapes.add(shape_of(target))
                queue.append(target)
    assert found == {}
    assert checked >= 10  # the crawl did reach the site
