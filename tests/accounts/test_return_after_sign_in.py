"""Signing in or creating an account from a page comes back to that page, in the reader's language;
`next` is only ever a path of this site."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from tests.factories import PASSWORD, make_event, make_municipality, make_user

NEW_PASSWORD = "sunny afternoon in oujda"


def _link(html: str, text: str) -> str:
    """The href of the link whose text is `text`."""
    return unescape(re.search(rf'<a href="([^"]*)">{re.escape(text)}</a>', html).group(1))


def _next_field(html: str) -> str:
    return unescape(re.search(r'name="next" type="hidden" value="([^"]*)"', html).group(1))


@pytest.fixture
def event():
    return make_event(make_municipality("oujda"), title="Atelier couture")


def test_signing_in_from_an_event_comes_back_to_it(client, event):
    make_user("Fatou", email="fatou@example.org")
    page = client.get(f"/fr/events/{event.id}").get_data(as_text=True)
    sign_in_page = _link(page, "Se connecter")
    assert sign_in_page == f"/fr/sign-in?next=/fr/events/{event.id}"
    form = client.get(sign_in_page).get_data(as_text=True)
    assert _next_field(form) == f"/fr/events/{event.id}"
    assert "Une fois connecté·e, vous revenez à la page où vous étiez." in form
    response = client.post(
        "/fr/sign-in",
        data={"identifier": "fatou@example.org", "password": PASSWORD, "next": _next_field(form)},
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/fr/events/{event.id}"


def test_the_button_of_an_event_and_a_filtered_list_come_back_too(client, event):
    detail = client.get(f"/fr/events/{event.id}").get_data(as_text=True)
    assert f'href="/fr/sign-in?next=/fr/events/{event.id}">Connectez-vous pour vous inscrire</a>' in detail
    listing = client.get("/ar/events?type=workshop&q=couture").get_data(as_text=True)
    target = urlsplit(_link(listing, "تسجيل الدخول"))
    assert target.path == "/ar/sign-in"
    assert parse_qs(target.query)["next"] == ["/ar/events?type=workshop&q=couture"]


def test_creating_an_account_from_an_event_leads_back_to_it_after_signing_in(client, event):
    page = client.get(f"/fr/events/{event.id}").get_data(as_text=True)
    sign_up_page = _link(page, "Créer un compte")
    assert sign_up_page == f"/fr/sign-up?next=/fr/events/{event.id}"
    form = client.get(sign_up_page).get_data(as_text=True)
    assert _next_field(form) == f"/fr/events/{event.id}"
    response = client.post("/fr/sign-up", data={
        "display_name": "Aminata", "phone": "06 12 34 56 78", "email": "", "municipality": "",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "next": _next_field(form),
    })
    assert response.status_code == 303
    assert response.headers["Location"] == f"/fr/sign-in?next=/fr/events/{event.id}"
    sign_in_page = client.get(response.headers["Location"]).get_data(as_text=True)
    # What to do next, plainly, with the number filled in for the sign-in it asks for.
    assert "Étape suivante : connectez-vous ci-dessous avec le" in sign_in_page
    assert 'value="+212 6 12 34 56 78"' in sign_in_page
    assert _next_field(sign_in_page) == f"/fr/events/{event.id}"
    response = client.post("/fr/sign-in", data={
        "identifier": "+212 6 12 34 56 78", "password": NEW_PASSWORD, "next": _next_field(sign_in_page),
    })
    assert response.headers["Location"] == f"/fr/events/{event.id}"
    assert db.session.scalar(sa.select(User.phone)) == "+212612345678"


def test_the_language_of_the_sign_in_page_is_kept(client, event):
    """A person who switched to Arabic on the sign-in page comes back to the event in Arabic."""
    make_user("Fatou", email="fatou@example.org")
    form = client.get(f"/ar/sign-in?next=/fr/events/{event.id}").get_data(as_text=True)
    assert _next_field(form) == f"/ar/events/{event.id}"
    data = {"identifier": "fatou@example.org", "password": PASSWORD, "next": f"/fr/events/{event.id}"}
    response = client.post("/ar/sign-in", data=data)
    assert response.headers["Location"] == f"/ar/events/{event.id}"


def test_the_home_page_and_the_sign_in_page_do_not_send_back_to_themselves(client):
    home = client.get("/fr/").get_data(as_text=True)
    assert _link(home, "Se connecter") == "/fr/sign-in"
    sign_in_page = client.get("/fr/sign-in").get_data(as_text=True)
    assert _link(sign_in_page, "Créer un compte") == "/fr/sign-up"


ATTEMPTS = [
    "https://evil.example/",
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/ /evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/" + "a" * 2100,
]


@pytest.mark.parametrize("target", ATTEMPTS)
def test_open_redirects_are_refused_on_sign_in(client, target):
    make_user("Fatou", email="fatou@example.org")
    form = client.get("/fr/sign-in", query_string={"next": target}).get_data(as_text=True)
    assert _next_field(form) == ""
    assert "evil" not in _link(form, "Créer un compte")
    response = client.post(
        "/fr/sign-in", data={"identifier": "fatou@example.org", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/fr/"


@pytest.mark.parametrize("target", ATTEMPTS)
def test_open_redirects_are_refused_on_sign_up(client, target):
    form = client.get("/fr/sign-up", query_string={"next": target}).get_data(as_text=True)
    assert _next_field(form) == ""
    response = client.post("/fr/sign-up", data={
        "display_name": "Awa", "email": "awa@example.org", "phone": "", "municipality": "",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "next": target,
    })
    assert response.status_code == 303 and response.headers["Location"] == "/fr/sign-in"


def test_a_signed_in_person_opening_sign_up_goes_to_the_page_asked(client, event):
    from tests.conftest import sign_in_as

    sign_in_as(client, make_user("Fatou"))
    response = client.get(f"/fr/sign-up?next=/fr/events/{event.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/fr/events/{event.id}"
    assert client.get("/fr/sign-up?next=//evil.example").headers["Location"] == "/fr/"


def test_confirming_the_account_comes_back_to_the_event_whose_button_asked_for_it(client, event):
    """A new phone account signs in, comes back to the event, taps Register: it must first type its
    SMS code, and then it is back on the event, where Register now works."""
    from app.core.models import OutboxMessage
    from app.events.models import Registration

    client.post("/fr/sign-up", data={
        "display_name": "Aminata", "phone": "0612345678", "email": "", "municipality": "",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "next": f"/fr/events/{event.id}",
    })
    client.post("/fr/sign-in", data={"identifier": "0612345678", "password": NEW_PASSWORD,
                                     "next": f"/fr/events/{event.id}"})
    here = f"http://localhost/fr/events/{event.id}"
    response = client.post(f"/fr/events/{event.id}/register", headers={"Referer": here})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/fr/confirm?next=/fr/events/{event.id}"
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert _next_field(page) == f"/fr/events/{event.id}"
    sms = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "sign_up_code"))
    code = sms.payload["code"]
    response = client.post("/fr/confirm", data={"code": code, "next": _next_field(page)})
    assert response.status_code == 303 and response.headers["Location"] == f"/fr/events/{event.id}"


def test_a_referer_from_another_site_is_not_followed(client, event):
    client.post("/fr/sign-up", data={
        "display_name": "Aminata", "phone": "0612345678", "email": "", "municipality": "",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    client.post("/fr/sign-in", data={"identifier": "0612345678", "password": NEW_PASSWORD})
    response = client.post(f"/fr/events/{event.id}/register", headers={"Referer": "https://evil.example/fr/x"})
    assert response.headers["Location"] == "/fr/confirm"
