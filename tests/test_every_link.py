"""Every link a person is shown leads somewhere they may go, in the language they are reading.

The demo data (`flask jiwar seed-demo`) is crawled from each language's home page by a visitor and
by each demo role, following the links of every page reached (a few addresses of each shape: two
events, not all of them). None may answer 403, 404 or 5xx, and none may leave the page's language
but the language switch (its links say `hreflang`), whose pages must answer too; no form may send
what is typed to an address in another language; each page is itself in its address's language and
direction; and none runs more than a fixed few SQL statements."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.demo import seed_demo
from app.extensions import db
from tests.conftest import LANGUAGES, sign_in_as
from tests.query_count import count_queries

ROLES = {
    "visitor": None,
    "resident": "resident@jiwar.example",
    "organiser": "organiser@jiwar.example",
    "organiser of two towns": "organiser.marsa@jiwar.example",  # La Marsa and Raoued, not Oujda
    "reviewer": "reviewer@jiwar.example",
    "administrator": "admin@jiwar.example",
}
pytestmark = pytest.mark.route_matrix
PER_SHAPE = 2  # addresses crawled of one shape (digits and query values set aside)
# SQL statements a page may run. The demo's lists hold tens of rows: a query per row goes past it
# (the most today: 15, a programme's page with exact figures, its audit entry included).
MOST_STATEMENTS = 20
MOST = 400  # addresses crawled per person and language, whatever the data


class _Links(HTMLParser):
    """The page's links (but those saving a file), the language switch's apart, and its forms'
    addresses."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.switch: list[str] = []
        self.actions: list[str] = []  # where its forms send what is typed: the same language too

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "form" and found.get("action"):
            self.actions.append(found["action"])
        if tag != "a" or not found.get("href") or "download" in found:
            return
        (self.switch if "hreflang" in found else self.links).append(found["href"])


def _ours(href: str) -> str | None:
    """The address to crawl from a link, or None for another site, a fragment, a file or a phone."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def shape_of(address: str) -> tuple[str, tuple[str, ...]]:
    """An address with its numbers and query values set aside: /events/# and /events/?page."""
    path, _, query = address.partition("?")
    keys = tuple(sorted({pair.split("=")[0] for pair in query.split("&") if pair}))
    return re.sub(r"\d+", "#", path), keys


def _crawl(client, language: str) -> tuple[dict[str, int], dict[str, list[str]], dict[str, int], int]:
    """(broken addresses and their status, pages linking out of `language` and where, pages running
    more than MOST_STATEMENTS statements and how many, pages read)."""
    seen_shapes: dict[tuple, int] = {}
    queue, visited = deque([f"/{language}/"]), set()
    broken: dict[str, int] = {}
    elsewhere: dict[str, list[str]] = {}
    heavy: dict[str, int] = {}
    while queue and len(visited) < MOST:
        address = queue.popleft()
        if address in visited:
            continue
        visited.add(address)
        with count_queries() as statements:
            response = client.get(address)
        if len(statements) > MOST_STATEMENTS:
            heavy[address] = len(statements)
        if response.status_code in (301, 302, 303, 307, 308):
            target = _ours(response.headers["Location"])
            if target:
                queue.appendleft(target)
            continue
        if response.status_code != 200:
            broken[address] = response.status_code
            continue
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        direction = "rtl" if language == "ar" else "ltr"
        if f'<html lang="{language}" dir="{direction}">' not in html:
            elsewhere.setdefault(address, []).append("the page itself is in another language")
        parser = _Links()
        parser.feed(html)
        # The same page in the other languages: read, not crawled (each language has its own crawl).
        for href in parser.switch:
            target = _ours(href)
            shape = ("switch", *shape_of(target))
            if target not in visited and seen_shapes.get(shape, 0) < PER_SHAPE:
                seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
                visited.add(target)
                status = client.get(target).status_code
                if status != 200:
                    broken[target] = status
        for action in parser.actions:
            target = _ours(action)
            if target is not None and target.split("/")[1] != language:
                elsewhere.setdefault(address, []).append(target)
        for href in parser.links:
            target = _ours(href)
            if target is None:
                continue
            if target.split("/")[1] != language:
                elsewhere.setdefault(address, []).append(target)
                continue
            shape = shape_of(target)
            if target not in visited and seen_shapes.get(shape, 0) < PER_SHAPE:
                seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
                queue.append(target)
    return broken, elsewhere, heavy, len(visited)




@pytest.mark.parametrize("role", list(ROLES))
def test_every_link_shown_leads_somewhere_allowed_in_the_same_language(client, role):
    seed_demo()
    db.session.commit()
    if ROLES[role]:
        sign_in_as(client, db.session.scalar(sa.select(User).filter_by(email=ROLES[role])))
    for language in LANGUAGES:
        broken, elsewhere, heavy, read = _crawl(client, language)
        assert broken == {}, (role, language)
        assert elsewhere == {}, (role, language)
        assert heavy == {}, (role, language)
        assert read > 20, (role, language)  # the crawl did reach the site
