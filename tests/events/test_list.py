"""The public list: upcoming by default, past reachable, filters as shareable links, htmx fragments."""

from datetime import timedelta

from app.events.models import EventStatus, EventType
from tests.conftest import sign_in_as
from tests.factories import make_event, make_municipality, make_user


def titles(html: str, *candidates: str) -> set[str]:
    return {title for title in candidates if title in html}


def test_upcoming_by_default_past_reachable_drafts_hidden(client, oujda):
    make_event(oujda, title="À venir")
    make_event(oujda, title="Passé", starts_in=timedelta(days=-10))
    make_event(oujda, title="Brouillon", status=EventStatus.DRAFT)
    make_event(oujda, title="Annulé", status=EventStatus.CANCELLED)
    upcoming = client.get("/events").text
    assert titles(upcoming, "À venir", "Passé", "Brouillon", "Annulé") == {"À venir", "Annulé"}
    past = client.get("/events?when=past").text
    assert titles(past, "À venir", "Passé", "Brouillon") == {"Passé"}


def test_filters_by_type_municipality_date_language_and_text(client, oujda):
    raoued = make_municipality("raoued")
    make_event(oujda, title="Atelier couture", event_type=EventType.WORKSHOP, languages="fr")
    make_event(
        raoued,
        title="Journée santé",
        event_type=EventType.AWARENESS,
        languages="ar,fr",
        description_fr="Dépistage gratuit",
        starts_in=timedelta(days=3),
    )
    assert titles(client.get("/events?type=awareness").text, "Atelier couture", "Journée santé") == {
        "Journée santé"
    }
    assert titles(client.get("/events?municipality=oujda").text, "Atelier couture", "Journée santé") == {
        "Atelier couture"
    }
    assert titles(client.get("/events?language=ar").text, "Atelier couture", "Journée santé") == {
        "Journée santé"
    }
    assert titles(client.get("/events?q=d%C3%A9pistage").text, "Atelier couture", "Journée santé") == {
        "Journée santé"
    }
    from datetime import date

    day = (date.today() + timedelta(days=3)).isoformat()
    assert titles(client.get(f"/events?date={day}").text, "Atelier couture", "Journée santé") == {
        "Journée santé"
    }


def test_unknown_filter_values_are_ignored_not_errors(client, oujda):
    make_event(oujda, title="Atelier")
    response = client.get("/events?type=<script>&language=xx&date=yesterday&page=abc&when=sometime")
    assert response.status_code == 200 and "Atelier" in response.text
    assert "<script>" not in response.text


def test_search_escapes_like_wildcards(client, oujda):
    make_event(oujda, title="Atelier")
    assert "Atelier" not in client.get("/events?q=%25").text.split("<main")[1]


def test_htmx_gets_the_results_fragment_only_and_the_page_varies_on_it(client, oujda):
    make_event(oujda, title="Atelier")
    fragment = client.get("/events?type=workshop", headers={"HX-Request": "true"})
    assert "Atelier" in fragment.text and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/events?type=workshop")
    assert "<html" in page.text and 'hx-get="/en/events"' in page.text and 'hx-push-url="true"' in page.text


def test_pagination_keeps_the_filters(client, oujda):
    for n in range(25):
        make_event(oujda, title=f"Atelier n°{n:02d}", starts_in=timedelta(days=2, hours=n))
    first = client.get("/events?type=workshop").text
    assert "25 events found" in first and "Atelier n°00" in first and "Atelier n°24" not in first
    assert "/events?type=workshop&amp;page=2" in first
    second = client.get("/events?type=workshop&page=2").text
    assert "Atelier n°24" in second and "Atelier n°00" not in second


def test_seats_left_and_full_events(client, oujda):
    from tests.factories import make_registration, make_user

    event = make_event(oujda, title="Complet", capacity=1)
    make_registration(event, make_user().participant)
    make_event(oujda, title="Places", capacity=12)
    page = client.get("/events").text
    assert "Full: waiting list open" in page and "12 seats left" in page


def test_what_organisers_typed_is_escaped(client, oujda):
    event = make_event(
        oujda, title="<script>alert(1)</script>", description_fr="<img src=x onerror=alert(1)>"
    )
    for url in ("/events", f"/events/{event.id}"):
        text = client.get(url, headers={"Accept-Language": "fr"}).text
        assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
        assert "<img src=x" not in text


def test_the_tabs_keep_the_filters_and_come_with_the_fragment(client, oujda):
    make_event(oujda, title="Atelier")
    fragment = client.get("/events?type=workshop&language=fr", headers={"HX-Request": "true"}).text
    assert "/en/events?type=workshop&amp;language=fr&amp;when=past" in fragment


def test_a_filter_changed_through_htmx_brings_sign_in_and_language_links_for_the_new_address(client, oujda):
    """htmx pushes the filtered address; the menu's links built from the page's address follow it
    (swapped out of band), so signing in or switching language keeps the filters."""
    make_event(oujda, title="Atelier")
    fragment = client.get("/events?q=&type=workshop", headers={"HX-Request": "true"}).text
    back = "next=/en/events?q%3D%26type%3Dworkshop"
    assert f'<a href="/en/sign-in?{back}">Sign in</a>' in fragment
    assert f'<a href="/en/sign-up?{back}">Create an account</a>' in fragment
    assert '<a href="/ar/events?q=&amp;type=workshop" lang="ar"' in fragment
    # The menu, the language switch and the phone's Filters button with its new count, nothing else.
    assert fragment.count('hx-swap-oob="true"') == 3
    summary = '<summary id="filters-summary" hx-swap-oob="true"><span>Filters</span>'
    assert summary + ' <span class="badge">1 active</span>' in fragment
    cleared = client.get("/events?q=", headers={"HX-Request": "true"}).text
    assert summary + "</summary>" in cleared
    # The full page has them in place: no out-of-band copy.
    page = client.get("/events?q=&type=workshop").text
    assert f'<a href="/en/sign-in?{back}">Sign in</a>' in page and "hx-swap-oob" not in page
    # Signed in, there is no Sign in to follow: only the language switch comes along.
    sign_in_as(client, make_user("Fatou"))
    signed_in = client.get("/events?type=workshop", headers={"HX-Request": "true"}).text
    assert "Sign in" not in signed_in and signed_in.count('hx-swap-oob="true"') == 2
    assert '<a href="/fr/events?type=workshop" lang="fr"' in signed_in
