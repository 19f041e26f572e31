"""The desk's participation questions: the consent box first, the country named in the reader's
language and chosen from a list (a two-letter code is never shown nor accepted as typed text)."""

import sqlalchemy as sa

from app.accounts.models import Participant
from app.extensions import db
from tests.conftest import sign_in_as


def card_holders() -> list[Participant]:
    return list(db.session.scalars(sa.select(Participant).where(Participant.cards.any())))


def test_the_consent_box_comes_before_the_questions_it_governs(client, organiser):
    sign_in_as(client, organiser)
    page = client.get("/fr/desk").text
    consent = page.index('name="consent"')
    for question in ("gender", "birth_year", "origin", "country_code"):
        assert consent < page.index(f'name="{question}"'), question


def test_countries_are_named_in_the_reader_language(client, organiser):
    sign_in_as(client, organiser)
    french = client.get("/fr/desk").text
    arabic = client.get("/ar/desk").text
    assert '<option value="GN">Guinée</option>' in french
    assert '<option value="SN">Sénégal</option>' in french
    assert '<option value="GN">غينيا</option>' in arabic
    assert '<select id="country_code" name="country_code">' in french
    assert "two-letter" not in client.get("/en/desk").text


def test_a_country_outside_the_list_is_refused_and_the_typed_values_kept(client, organiser):
    sign_in_as(client, organiser)
    response = client.post(
        "/fr/desk/people",
        data={"display_name": "Mamadou", "origin": "migrant", "country_code": "ZZ", "consent": "y"},
    )
    assert response.status_code == 422
    assert "Choisissez un pays dans la liste." in response.text
    assert 'value="Mamadou"' in response.text
    assert '<option selected value="migrant">' in response.text
    assert card_holders() == []


def test_the_chosen_country_is_stored(client, organiser):
    sign_in_as(client, organiser)
    response = client.post(
        "/ar/desk/people", data={"display_name": "Awa", "country_code": "CI", "consent": "y"}
    )
    assert response.status_code == 303
    [holder] = card_holders()
    assert holder.country_code == "CI"
