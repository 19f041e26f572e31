"""The profile: name, language, municipality; participation data only after informed consent."""

import pytest
import sqlalchemy as sa

from app.accounts.models import Participant, User
from app.extensions import db
from tests.accounts.helpers import translated
from tests.conftest import sign_in_as
from tests.factories import make_municipality, make_user


@pytest.fixture
def person(client):
    user = make_user("Fatou", email="fatou@example.org")
    sign_in_as(client, user)
    return user


def reload(user) -> User:
    return db.session.get(User, user.id)


def test_the_profile_is_personal_and_not_cached(client, person):
    response = client.get("/me")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert b"fatou@example.org" in response.data


def test_the_profile_saves_name_language_and_municipality(client, person):
    oujda = make_municipality("oujda")
    response = client.post(
        "/me", data={"display_name": "Fatou D.", "preferred_locale": "ar", "municipality": str(oujda.id)}
    )
    assert response.status_code == 303
    user = reload(person)
    assert (user.display_name, user.participant.display_name) == ("Fatou D.", "Fatou D.")
    assert user.preferred_locale == "ar"
    assert user.municipality_id == oujda.id
    assert b'<html lang="ar" dir="rtl">' in client.get("/me").data


def test_an_unknown_language_code_is_refused_in_the_profile(client, person):
    response = client.post(
        "/me", data={"display_name": "Changed", "preferred_locale": "xx", "municipality": ""}
    )
    assert response.status_code == 200
    assert b"Choose one of the languages offered." in response.data
    assert b'value="Changed"' in response.data
    assert reload(person).display_name == "Fatou"


@pytest.mark.parametrize("code", ["xx", "de", "ar<script>"])
def test_an_unknown_language_in_the_address_is_a_page_not_found(client, code):
    response = client.get(f"/{code}/events")
    assert response.status_code == 404
    assert b'<html lang="en"' in response.data


def test_the_language_read_in_is_remembered_by_a_signed_in_session(client, person):
    sign_in_as(client, person)
    page = client.get("/en/me").text
    assert 'href="/ar/me" lang="ar"' in page  # the switch is a link to the same page
    assert b'<html lang="ar" dir="rtl">' in client.get("/ar/me").data
    assert client.open_as_sent("/").headers["Location"] == "/ar/"
    assert client.open_as_sent("/events?when=past").headers["Location"] == "/ar/events?when=past"


def test_an_empty_name_is_refused(client, person):
    response = client.post("/me", data={"display_name": "", "preferred_locale": "fr", "municipality": ""})
    assert b"Tell us the name to show." in response.data
    assert reload(person).display_name == "Fatou"


# -- Participation data and consent ---------------------------------------------------------------


def test_the_questions_come_only_after_reading_and_ticking_consent(client, person, app):
    page = client.get("/me/participation")
    assert b"Why we ask" in page.data and b"Who sees your answers" in page.data
    assert b'name="consent"' in page.data
    assert b'name="origin"' not in page.data and b'name="gender"' not in page.data
    refused = client.post("/me/participation/consent", data={})
    assert refused.status_code == 200
    assert b"Tick the box to agree" in refused.data
    assert reload(person).participant.consent_at is None
    assert client.post("/me/participation/consent", data={"consent": "y"}).status_code == 303
    assert reload(person).participant.consent_at is not None
    page = client.get("/me/participation")
    assert b'name="origin"' in page.data and b'name="country_code"' in page.data


def test_the_explanation_is_in_the_reader_language(client, person, app):
    page = client.get("/ar/me/participation")
    assert b'dir="rtl"' in page.data
    assert translated(app, "ar", "Who sees your answers") in page.data


def test_the_details_are_saved_after_consent(client, person):
    client.post("/me/participation/consent", data={"consent": "y"})
    response = client.post(
        "/me/participation",
        data={"gender": "woman", "birth_year": "1994", "origin": "migrant", "country_code": "SN"},
    )
    assert response.status_code == 303
    participant = reload(person).participant
    assert (participant.gender, participant.birth_year, participant.origin, participant.country_code) == (
        "woman",
        1994,
        "migrant",
        "SN",
    )
    profile = client.get("/me")
    assert b"Senegal" in profile.data and b"Migrant" in profile.data


def test_details_without_consent_are_refused_and_nothing_is_written(client, person):
    response = client.post("/me/participation", data={"gender": "woman", "origin": "migrant"})
    assert response.status_code == 200
    assert b"Tick the consent box before giving these details." in response.data
    participant = reload(person).participant
    assert participant.gender is None and participant.origin is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gender", "other-thing", b"Choose an answer from the list."),
        ("origin", "martian", b"Choose an answer from the list."),
        ("country_code", "QQ", b"Choose a country from the list."),
        ("birth_year", "1850", b"Give a year between 1900 and this year."),
        ("birth_year", "abcd", b"Give a year with four digits, for example 1990."),
    ],
)
def test_bad_participation_answers_are_refused(client, person, field, value, message):
    client.post("/me/participation/consent", data={"consent": "y"})
    data = {"gender": "man", "birth_year": "1990", "origin": "host", "country_code": "MA", field: value}
    response = client.post("/me/participation", data=data)
    assert response.status_code == 200
    assert message in response.data
    participant = reload(person).participant
    assert participant.gender is None and participant.birth_year is None


def test_withdrawing_consent_erases_the_details(client, person):
    client.post("/me/participation/consent", data={"consent": "y"})
    client.post(
        "/me/participation",
        data={"gender": "man", "birth_year": "1980", "origin": "refugee", "country_code": "SD"},
    )
    assert client.post("/me/participation/withdraw").status_code == 303
    participant = reload(person).participant
    assert [
        participant.gender,
        participant.birth_year,
        participant.origin,
        participant.country_code,
        participant.consent_at,
    ] == [None] * 5
    assert b'name="consent"' in client.get("/me/participation").data


def test_country_names_are_localised_and_sorted_for_the_reader(client, person):
    client.post("/me/participation/consent", data={"consent": "y"})
    french = client.get("/fr/me/participation").get_data(as_text=True)
    assert '<option value="SN">Sénégal</option>' in french
    assert french.index(">Égypte<") < french.index(">Espagne<")  # accents do not send É after Z
    arabic = client.get("/ar/me/participation").get_data(as_text=True)
    assert '<option value="MA">المغرب</option>' in arabic
    assert 'value="EU"' not in french and 'value="001"' not in french


def test_the_answers_offer_prefer_not_to_say(client, person):
    client.post("/me/participation/consent", data={"consent": "y"})
    page = client.get("/me/participation").get_data(as_text=True)
    assert page.count('value="undisclosed">Prefer not to say') == 2
    for origin in ("Host community", "Migrant", "Refugee or asylum seeker", "Returning migrant"):
        assert origin in page


def test_nobody_else_sees_a_persons_participation_data(client, app):
    from tests.factories import make_admin

    person = make_user("Fatou", email="fatou@example.org")
    person.participant.consent_at = person.created_at
    person.participant.origin = "refugee"
    person.participant.country_code = "SD"
    db.session.commit()
    sign_in_as(client, make_admin())
    page = client.get(f"/admin/people/{person.id}")
    assert page.status_code == 200
    assert b"Refugee" not in page.data and b"Sudan" not in page.data
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 2


def test_the_consent_date_is_stored_and_shown_for_the_locale(client, person):
    from babel.dates import format_date

    from app.core.time import to_zone

    client.post("/me/participation/consent", data={"consent": "y"})
    consent_at = reload(person).participant.consent_at
    assert consent_at is not None and consent_at.tzinfo is not None
    french = client.get("/fr/me").get_data(as_text=True)
    local_day = to_zone(consent_at, "Africa/Casablanca").date()  # the person has no municipality
    assert format_date(local_day, format="medium", locale="fr") in french
