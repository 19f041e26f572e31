"""Public pages as plain HTTP resources, and the language in every address."""

from tests.conftest import sign_in_as
from tests.factories import make_event, make_user

PUBLIC = "public, max-age=0, s-maxage=10"


def test_an_anonymous_public_page_is_the_same_bytes_for_everyone(app, oujda):
    make_event(oujda, title="Atelier cuisine")
    first, second = app.test_client(), app.test_client()
    pages = [client.get("/fr/events") for client in (first, second)]
    assert [page.status_code for page in pages] == [200, 200]
    assert pages[0].data == pages[1].data and "Atelier cuisine" in pages[0].text
    assert pages[0].headers["ETag"] == pages[1].headers["ETag"]
    assert pages[0].headers["Cache-Control"] == PUBLIC and "Cookie" in pages[0].headers["Vary"]
    assert "Set-Cookie" not in pages[0].headers and "csrf" not in pages[0].text.lower()


def test_a_returning_browser_gets_a_304_until_the_page_changes(app, oujda):
    make_event(oujda, title="Atelier cuisine")
    client = app.test_client()
    etag = client.get("/fr/events").headers["ETag"]
    again = client.get("/fr/events", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    make_event(oujda, title="Fresque du quartier")  # a write: the page says so at once
    changed = client.get("/fr/events", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Fresque du quartier" in changed.text


def test_the_same_address_signed_in_is_never_stored(client, oujda):
    event = make_event(oujda)
    sign_in_as(client, make_user())
    page = client.get(f"/en/events/{event.id}")
    assert page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers
    assert "Cookie" in page.headers["Vary"]


def test_a_page_with_a_message_waiting_is_kept_private(app, client, oujda):
    event = make_event(oujda)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Bienvenue")]
    page = client.get(f"/en/events/{event.id}")
    assert page.headers["Cache-Control"] == "private, no-cache" and "ETag" not in page.headers


def test_every_page_names_its_three_languages(app, oujda):
    event = make_event(oujda)
    page = app.test_client().get(f"/ar/events/{event.id}?page=2").text
    canonical = app.config["JIWAR_CANONICAL_URL"]
    for code in ("fr", "ar", "en"):
        assert f'hreflang="{code}" href="{canonical}/{code}/events/{event.id}?page=2"' in page
        assert f'href="/{code}/events/{event.id}?page=2" lang="{code}"' in page  # the switch
    assert f'hreflang="x-default" href="{canonical}/events/{event.id}?page=2"' in page


def test_an_address_without_a_language_goes_to_the_visitors(client):
    assert client.open_as_sent("/", headers={"Accept-Language": "ar"}).headers["Location"] == "/ar/"
    assert client.open_as_sent("/", headers={"Accept-Language": "de"}).headers["Location"] == "/fr/"
    moved = client.open_as_sent("/events?when=past", headers={"Accept-Language": "en"})
    assert (moved.status_code, moved.headers["Location"]) == (302, "/en/events?when=past")
    posted = client.open_as_sent("/sign-in", method="POST", data={"identifier": "x"})
    assert (posted.status_code, posted.headers["Location"]) == (308, "/en/sign-in")  # method kept
    assert client.open_as_sent("/nowhere").status_code == 404


def test_no_public_page_gives_an_anonymous_visitor_a_token_or_a_cookie(app, oujda, monkeypatch):
    """With CSRF on, as in production (the suite switches it off): a form built for a visitor who
    cannot post it would put a token in the page and the session in a cookie, and the page would no
    longer be the same bytes for everyone."""
    from tests.factories import make_call, make_proposal, make_service
    from tests.factories.reports import make_programme

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    event = make_event(oujda)
    call = make_call(oujda, phase="support")
    proposal = make_proposal(call, make_user())
    service = make_service(oujda)
    programme = make_programme([oujda])
    paths = ["/fr/", "/fr/events", f"/fr/events/{event.id}", "/fr/calls", f"/fr/calls/{call.id}",
             f"/fr/proposals/{proposal.id}", f"/fr/programmes/{programme.id}", "/fr/directory/",
             f"/fr/directory/{service.id}", "/ar/directory/brochure"]
    for path in paths:
        page = app.test_client().get(path)
        assert page.status_code == 200, path
        assert "Set-Cookie" not in page.headers and 'name="csrf_token"' not in page.text, path
        assert page.headers["Cache-Control"] == PUBLIC, path
