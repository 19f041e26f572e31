"""Text people typed keeps its own direction inside an Arabic page (a French description must not
end with its full stop on the left, a Latin name must not swap places with the date beside it)."""

from html.parser import HTMLParser

import sqlalchemy as sa

from app.extensions import db
from tests.access.rules import client_as
from tests.access.test_every_route import RULES, _build_world
from tests.factories import (
    ROLES,
    make_call,
    make_comment,
    make_event,
    make_municipality,
    make_proposal,
    make_user,
)
from tests.transactions import database_connection


def test_event_page_isolates_the_organisers_text(client):
    event = make_event(make_municipality("oujda"), title="Atelier couture", description_fr="Venez nombreux.")
    html = client.get(f"/ar/events/{event.id}").get_data(as_text=True)
    # Written in French: shown under its own lang and dir, which isolates it as <bdi> would.
    assert '<div lang="fr" dir="ltr" class="description">Venez nombreux.</div>' in html
    assert '<h1 lang="fr" dir="ltr">Atelier couture</h1>' in html


def test_proposal_page_isolates_titles_descriptions_and_commenters(client):
    author = make_user("Aïssata")
    proposal = make_proposal(make_call(make_municipality("oujda"), phase="support"), author, title="Jardin")
    make_comment(proposal, author, body="Bonne idée.")
    html = client.get(f"/ar/proposals/{proposal.id}").get_data(as_text=True)
    assert '<div class="user-text" dir="auto">' in html
    assert "<bdi>Aïssata</bdi>" in html
    assert "<h1><bdi>Jardin</bdi></h1>" in html


# Explicit embeddings, overrides, isolates and marks: typed into a title or a comment, an unclosed
# U+202E turns the rest of the line around it backwards ("evil\u202eexe.pdf" reads "evilfdp.exe").
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
TYPED = "\u202e\u2067\u200f"
# Every column holding text a person typed (names, titles, descriptions, venues, comments, answers).
FREE_TEXT = {
    "municipality": ["name_fr", "name_ar", "name_en"],
    "user": ["display_name"],
    "participant": ["display_name"],
    "programme": ["name_fr", "name_ar", "name_en", "description_fr", "description_ar", "description_en"],
    "target": ["title_fr", "title_ar", "title_en"],
    "event": ["title_fr", "title_ar", "title_en", "description_fr", "description_ar", "description_en",
              "venue_fr", "venue_ar", "venue_en"],
    "proposal_call": ["title_fr", "title_ar", "title_en",
                      "description_fr", "description_ar", "description_en"],
    "proposal_category": ["name_fr", "name_ar", "name_en"],
    "proposal": ["group_name", "title", "description", "place", "answer_text_fr", "answer_text_ar",
                 "answer_text_en", "hidden_reason"],
    "proposal_status_change": ["answer_text_fr", "answer_text_ar", "answer_text_en"],
    "comment": ["body", "hidden_reason"],
    "abuse_report": ["reason"],
}
# Text laid out in a box of its own, apart from the line around it.
ISOLATING = {"bdi", "textarea", "option", "title", "script", "style"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Shown(HTMLParser):
    """The page's text nodes that hold a bidi control outside any isolating element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.leaks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            # dir on <html> sets the page's direction; on any element inside, it isolates the element.
            has_dir = tag != "html" and any(name == "dir" for name, _ in attrs)
            self.stack.append((tag, tag in ISOLATING or has_dir))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if any(c in CONTROLS for c in data) and not any(isolated for _, isolated in self.stack):
            self.leaks.append(" > ".join(tag for tag, _ in self.stack[-3:]) + ": " + repr(data.strip()[:60]))


def _poison_typed_text() -> None:
    with database_connection() as connection:
        for name, columns in FREE_TEXT.items():
            table = db.metadata.tables[name]
            connection.execute(
                sa.update(table).values({c: sa.literal(TYPED, sa.Text) + table.c[c] for c in columns})
            )


def test_no_bidi_control_typed_anywhere_is_shown_outside_isolation(app):
    world = _build_world()
    db.session.commit()
    _poison_typed_text()
    leaks = {}
    for _, route in RULES:
        if route.method != "GET":
            continue
        for role in ROLES:
            if route.expect[role] != 200:
                continue
            response = client_as(app, world, role, route).get(route.url.format(**world))
            if response.mimetype != "text/html":
                continue
            parser = _Shown()
            parser.feed(response.get_data(as_text=True))
            if parser.leaks:
                leaks[f"{route.url} as {role}"] = parser.leaks[:3]
    assert leaks == {}
