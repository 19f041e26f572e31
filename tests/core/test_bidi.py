"""Text people typed keeps its own direction inside an Arabic page (a French description must not
end with its full stop on the left, a Latin name must not swap places with the date beside it)."""

from tests.factories import make_call, make_comment, make_event, make_municipality, make_proposal, make_user


def test_event_page_isolates_the_organisers_text(client):
    event = make_event(make_municipality("oujda"), title="Atelier couture", description_fr="Venez nombreux.")
    html = client.get(f"/events/{event.id}", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<div class="description" dir="auto">Venez nombreux.</div>' in html
    assert "<bdi>Atelier couture</bdi>" in html


def test_proposal_page_isolates_titles_descriptions_and_commenters(client):
    author = make_user("Aïssata")
    proposal = make_proposal(make_call(make_municipality("oujda"), phase="support"), author, title="Jardin")
    make_comment(proposal, author, body="Bonne idée.")
    html = client.get(f"/proposals/{proposal.id}", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<div class="user-text" dir="auto">' in html
    assert "<bdi>Aïssata</bdi>" in html
    assert "<h1><bdi>Jardin</bdi></h1>" in html
