"""Kept pages travel gzip-compressed from bytes compressed once, each visitor's CSRF token in them."""

import gzip
import re
import time
from datetime import timedelta

import brotli

from app.core import fragments
from app.core.kept_body import KeptBody
from tests.conftest import sign_in_as
from tests.factories import make_event, make_organiser, make_registration, make_user

GZIP = {"Accept-Encoding": "br, gzip"}


def tokens_in(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', page))


def test_the_compressed_body_is_the_page_with_the_token_wherever_the_placeholder_was():
    html = "<p>é ‎جوار</p>" + "".join(f"<form>{i} MARK</form>" for i in range(40)) + "<i>MARK</i>"
    body = KeptBody(html, "MARK")
    for token in ("first.token", "second-token-longer-than-the-first", ""):
        expected = html.replace("MARK", token).encode()
        assert gzip.decompress(body.gzip(token)) == expected
        assert body.plain(token) == expected
    assert gzip.decompress(KeptBody("no form here", "MARK").gzip("t")) == b"no form here"
    assert gzip.decompress(KeptBody("MARK", "MARK").gzip("only")) == b"only"


def test_a_page_of_alike_rows_compresses_as_well_as_if_it_were_whole():
    row = '<li><form method="post"><input name="csrf_token" value="MARK"><button>Check</button></form></li>'
    html = "<ul>" + "".join(row.replace("<li>", f"<li id='r{i}'>") for i in range(300)) + "</ul>"
    token = "IjM0NmRkZDFlM2JlNWNhNTQ1YWM5YjQ1NWI4NjI2MWI0YzJiYmNhODEi.axBU4g.U-WYZl5gmxIu18G5-_21xtDAxw8"
    whole = gzip.compress(html.replace("MARK", token).encode(), 6)
    spliced = KeptBody(html, "MARK").gzip(token)
    assert gzip.decompress(spliced) == html.replace("MARK", token).encode()
    # The first token is new bytes; each later one a copy of the one before, a few bytes.
    assert len(spliced) < len(whole) + len(token) + 300 * 20


def test_an_anonymous_kept_page_is_gzip_with_the_visitors_own_token(app, oujda):
    make_event(oujda, title="Atelier cuisine")
    first, second = app.test_client(), app.test_client()
    plain = first.get("/events").text
    answers = [first.get("/events", headers=GZIP), second.get("/events", headers=GZIP)]
    pages = []
    for answer in answers:
        assert answer.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in answer.headers["Vary"] and "HX-Request" in answer.headers["Vary"]
        assert int(answer.headers["Content-Length"]) == len(answer.data) < len(plain) / 2
        pages.append(gzip.decompress(answer.data).decode())
    assert all("Atelier cuisine" in page and fragments.CSRF_PLACEHOLDER not in page for page in pages)
    first_tokens, second_tokens = tokens_in(pages[0]), tokens_in(pages[1])
    assert first_tokens and second_tokens
    secrets = {token.split(".")[0] for token in first_tokens}  # the session's, signed at some second
    assert secrets == {token.split(".")[0] for token in tokens_in(plain)}
    assert first_tokens.isdisjoint(second_tokens)


def test_a_client_that_refuses_gzip_gets_the_plain_page(client, oujda):
    make_event(oujda, title="Atelier cuisine")
    client.get("/events")
    for accepted in ("identity", ""):
        answer = client.get("/events", headers={"Accept-Encoding": accepted})
        assert "Content-Encoding" not in answer.headers and "Atelier cuisine" in answer.text
    answer = client.get("/events", headers={"Accept-Encoding": "gzip;q=0, br"})
    assert answer.headers["Content-Encoding"] == "br"  # the plain page, compressed as any other
    assert "Atelier cuisine" in brotli.decompress(answer.data).decode()


def test_a_kept_door_list_is_gzip_and_its_token_checks_a_resident_in(app, oujda):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        organiser = make_organiser(oujda)
        event = make_event(oujda, capacity=20, starts_in=timedelta(hours=1))
        resident = make_user("Fatou")
        make_registration(event, resident.participant)
        url = f"/door/sessions/{event.sessions[0].id}"
        door = sign_in_as(app.test_client(), organiser)
        door.get(url)
        answer = door.get(url, headers=GZIP)  # kept
        assert answer.headers["Content-Encoding"] == "gzip"
        assert answer.headers["Cache-Control"] == "no-store"
        page = gzip.decompress(answer.data).decode()
        assert "Fatou" in page
        (token,) = tokens_in(page)
        response = door.post(f"{url}/check-in", data={"participant_id": resident.participant_id,
                                                       "csrf_token": token})
        assert response.status_code == 303
        assert "present-mark" in door.get(url).text
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_session_keeps_one_signed_token_and_it_is_accepted(app, oujda, monkeypatch):
    make_event(oujda, title="Atelier cuisine")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    visitor, other = app.test_client(), app.test_client()
    first = tokens_in(visitor.get("/events").text)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 5)  # a token signed now would differ
    later = tokens_in(visitor.get("/events").text)
    assert len(first) == 1 and first == later  # signed once for the session
    assert tokens_in(other.get("/events").text).isdisjoint(first)
    answer = visitor.post("/language", data={"csrf_token": first.pop(), "language": "ar", "next": "/events"})
    assert answer.status_code in (302, 303)
    assert 'dir="rtl"' in visitor.get("/events").text
    refused = other.post("/language", data={"csrf_token": "forged", "language": "ar", "next": "/events"})
    assert refused.status_code == 400


def test_a_page_is_compressed_in_pieces_only_when_it_is_answered_again(client, oujda):
    make_event(oujda, title="Atelier cuisine")
    first = client.get("/events", headers=GZIP)  # rendered: compressed once, as any page
    assert first.headers["Content-Encoding"] == "br"
    assert "Atelier cuisine" in brotli.decompress(first.data).decode()
    again = client.get("/events", headers=GZIP)  # kept: from the pieces
    assert again.headers["Content-Encoding"] == "gzip"
    assert "Atelier cuisine" in gzip.decompress(again.data).decode()
