"""No hint shows a literal "50 %%", "%(threshold)s" or "5 − 1": the catalogs' placeholders agree with
their messages, and the pages that carry such hints are read in the three languages."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import sign_in_as
from tests.factories import make_admin, make_call, make_event, make_municipality, make_organiser
from tests.factories.reports import make_programme, make_target

TRANSLATIONS = Path(__file__).parents[2] / "app" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _forms(value) -> list[str]:
    return [form for form in (value if isinstance(value, tuple | list) else (value,)) if form]


def _catalog(name: str):
    with open(TRANSLATIONS / name, "rb") as file:
        return read_po(file)


def test_a_message_that_escapes_percent_signs_is_one_that_gets_formatted():
    """gettext formats only when given values: `_("50%%")` alone shows "50 %%". (A {% trans %} block
    would format even without values; none needs a percent sign without one.)"""
    unformatted = [
        message.id for message in _catalog("messages.pot")
        if any("%%" in text and not PLACEHOLDER.search(text) for text in _forms(message.id))
    ]
    assert unformatted == []


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_translations_keep_their_message_placeholders_and_percent_signs(language):
    wrong = []
    for message in _catalog(f"{language}/LC_MESSAGES/messages.po"):
        if not message.id:
            continue
        source = " ".join(_forms(message.id))
        names = set(PLACEHOLDER.findall(source))
        for text in _forms(message.string):
            rest = PLACEHOLDER.sub("", text).replace("%%", "")
            problems = (
                not set(PLACEHOLDER.findall(text)) <= names,  # a name gettext is never given
                ("%%" in text) != ("%%" in source),  # "%%" stays "%%" where nothing is formatted
                bool(names) and "%" in rest,  # a lone % in a formatted message: garbage or an error
            )
            if any(problems):
                wrong.append((message.id, text))
    assert wrong == []


LEFTOVERS = re.compile(r"%%|%\(\w+\)|\d\s*[−-]\s*1\b")


def _pages(client) -> list[str]:
    oujda = make_municipality("oujda")
    event = make_event(oujda, title="Atelier couture")
    call = make_call(oujda, phase="support", support_cap=3)
    programme = make_programme([oujda])
    make_target(programme)
    admin = make_admin()
    sign_in_as(client, admin)
    return [
        "/{lang}/events", f"/{{lang}}/events/{event.id}", f"/{{lang}}/calls/{call.id}", "/{lang}/directory/",
        f"/{{lang}}/programmes/{programme.id}", f"/{{lang}}/programmes/{programme.id}/targets/new",
        f"/{{lang}}/reports?programme={programme.id}", "/{lang}/me/participation",
    ]


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_pages_with_hints_show_no_leftover_placeholder(client, language):
    for address in _pages(client):
        response = client.get(address.format(lang=language))
        assert response.status_code == 200, address
        text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", response.get_data(as_text=True), flags=re.S)
        assert LEFTOVERS.findall(text) == [], address


def test_the_hints_read_as_figures(client):
    pages = _pages(client)
    target_form = client.get(pages[5].format(lang="fr")).get_data(as_text=True)
    hint = r"au moins 50\s?% de femmes, ou, avec un âge maximal de 17 ans, au moins 35\s?% de filles"
    assert re.search(hint, target_form)
    programme = client.get(pages[4].format(lang="fr")).get_data(as_text=True)
    assert "tout chiffre compris entre 1 et 4 est affiché" in programme
    assert "between 1 and 4 is shown" in client.get(pages[6].format(lang="en")).get_data(as_text=True)


def test_the_desk_and_sign_up_answers_have_no_leftover_placeholder(client):
    organiser = make_organiser(make_municipality("oujda"))
    sign_in_as(client, organiser)
    for language in ("fr", "ar", "en"):
        text = client.get(f"/{language}/desk").get_data(as_text=True)
        assert LEFTOVERS.findall(re.sub(r"<[^>]+>", " ", text)) == []
    client.post("/fr/sign-out")
    password = "sunny afternoon in oujda"
    client.post("/ar/sign-up", data={"display_name": "Awa", "email": "awa@example.org", "phone": "",
                                     "municipality": "", "password": password, "confirm": password})
    page = client.get("/ar/sign-in").get_data(as_text=True)
    assert "الخطوة التالية" in page and LEFTOVERS.findall(re.sub(r"<[^>]+>", " ", page)) == []
