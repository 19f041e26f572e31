"""Events in three languages and any language spoken: the reader's language or a marked fallback,
languages named by CLDR in the reader's language, and the participant card in the holder's language
with their next event, its date and its place."""

import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.dates import format_date, format_time
from icalendar import Calendar

from app.events.models import Event
from app.extensions import db
from tests.conftest import sign_in_as
from tests.events.test_management import event_form
from tests.factories import make_card_holder, make_event, make_organiser, make_registration

VENUE = {"fr": "Maison de quartier Al Qods", "ar": "دار الحي القدس"}


def _local(moment, language: str) -> tuple[str, str]:
    """The date and time as a person of Oujda reads them (Babel, the municipality's clock)."""
    local = moment.astimezone(ZoneInfo("Africa/Casablanca"))
    day = format_date(local.date(), format="medium", locale=language)
    time = format_time(local, "short", locale=language)
    # Pages never print invisible direction marks (CLDR puts some in Arabic dates).
    return day.replace("\u200f", ""), time.replace("\u200f", "")


def test_an_event_written_in_french_only_is_marked_as_french_on_arabic_and_english_pages(client, oujda):
    event = make_event(oujda, title="Atelier couture", description_fr="Apportez vos tissus.")
    event.title_ar = "ورشة خياطة"
    db.session.commit()
    arabic = client.get(f"/ar/events/{event.id}").get_data(as_text=True)
    assert '<h1 lang="ar" dir="rtl">ورشة خياطة</h1>' in arabic
    assert '<div lang="fr" dir="ltr" class="description">Apportez vos tissus.</div>' in arabic
    assert '<small class="fallback">(بالفرنسية)</small>' in arabic
    english_list = client.get("/en/events").get_data(as_text=True)
    marked = '<span lang="fr" dir="ltr">Atelier couture</span> <small class="fallback">(in French)</small>'
    assert marked in english_list
    french = client.get(f"/fr/events/{event.id}").get_data(as_text=True)
    assert '<h1 lang="fr" dir="ltr">Atelier couture</h1>' in french and 'class="fallback"' not in french


def test_languages_spoken_are_any_cldr_language_named_in_the_readers_language(client, oujda):
    event = make_event(oujda, languages="ary,zgh,wo,ha,dje,bm")
    arabic = client.get(f"/ar/events/{event.id}").get_data(as_text=True)
    assert "الدارجة المغربية والتمازيغية المغربية القياسية والولوفية والهوسا والزارمية والبامبارا" in arabic
    french = client.get(f"/fr/events/{event.id}").get_data(as_text=True)
    assert "arabe marocain, amazighe standard marocain, wolof, haoussa, zarma et bambara" in french
    # The list filters on any of them, the shared link naming the language in the reader's words.
    listed = client.get("/en/events?language=dje").get_data(as_text=True)
    assert f'href="/en/events/{event.id}"' in listed
    assert '<option value="dje" selected>Zarma</option>' in listed
    assert f'href="/en/events/{event.id}"' not in client.get("/en/events?language=ln").get_data(as_text=True)


def test_an_organiser_types_languages_by_name_or_code_and_a_wrong_one_keeps_the_form(client, oujda):
    organiser = make_organiser(oujda)
    sign_in_as(client, organiser)
    data = event_form(oujda, languages=["fr", "wo"], other_languages="zarma, Lingala, klingonish")
    response = client.post("/en/manage/events/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Unknown language: klingonish. Write its name or its code (wo for Wolof)." in page
    assert 'value="zarma, Lingala, klingonish"' in page
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0

    response = client.post("/en/manage/events/new", data={**data, "other_languages": "zarma, Lingala, snk"})
    assert response.status_code == 303
    event = db.session.scalar(sa.select(Event))
    assert event.languages == "fr,wo,dje,ln,snk"
    edit = client.get(f"/fr/manage/events/{event.id}/edit").get_data(as_text=True)
    # Zarma and Lingala are among the boxes offered; Soninke is named in the reader's language.
    assert '<input checked id="languages-10" name="languages" type="checkbox" value="dje"> zarma' in edit
    assert 'name="other_languages" type="text" value="soninké"' in edit


@pytest.mark.parametrize(
    ("language", "title", "card_words", "place"),
    [
        ("ar", "ورشة خياطة", "فعالياتك القادمة", '<span lang="ar" dir="rtl">دار الحي القدس</span>, وجدة'),
        ("fr", "Atelier couture", "Vos prochains événements",
         '<span lang="fr" dir="ltr">Maison de quartier Al Qods</span>, Oujda'),
        ("en", "Sewing workshop", "Your next events",
         '<span lang="fr" dir="ltr">Maison de quartier Al Qods</span> '
         '<small class="fallback">(in French)</small>, Oujda'),
    ],
)
def test_the_card_carries_the_next_event_date_and_place_in_the_holders_language(
    client, oujda, language, title, card_words, place
):
    event = make_event(oujda, title="Atelier couture", venue=VENUE)
    event.title_ar, event.title_en = "ورشة خياطة", "Sewing workshop"
    db.session.commit()
    holder = make_card_holder("Awa", municipality=oujda)
    make_registration(event, holder)
    sign_in_as(client, make_organiser(oujda))
    # The organiser reads French; the card is printed in the language the holder reads.
    page = client.get(f"/fr/desk/people/{holder.id}/card?language={language}").get_data(as_text=True)
    direction = "rtl" if language == "ar" else "ltr"
    assert '<html lang="fr" dir="ltr">' in page and "Langue de la carte" in page  # the organiser's page
    assert f'<article class="participant-card" lang="{language}" dir="{direction}">' in page
    # Its links stay in French but the language switch's: the organiser goes on in French.
    assert not re.search(r'<a href="/(ar|en)/[^"]*"(?![^>]*hreflang)', page)
    assert card_words in page
    assert f'<strong lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">{title}</strong>' in page
    day, time = _local(event.starts_at, language)
    assert day in page and time in page
    assert place in page
    assert holder.cards[0].code in page


def test_the_card_of_a_holder_of_another_municipality_is_not_printed(client, oujda, la_marsa):
    holder = make_card_holder("Awa", municipality=oujda)
    sign_in_as(client, make_organiser(la_marsa))
    response = client.get(f"/ar/desk/people/{holder.id}/card?language=ar")
    assert response.status_code == 404
    assert "Awa" not in response.get_data(as_text=True)


def test_an_arabic_reader_reads_the_venue_in_arabic_and_an_english_one_the_french_marked(
    client, oujda, resident
):
    event = make_event(oujda, title="Atelier couture", venue=VENUE)
    registration = make_registration(event, resident.participant)
    sign_in_as(client, resident)
    pages = (f"/{{lang}}/events/{event.id}", "/{lang}/events", "/{lang}/me/events",
             f"/{{lang}}/me/tickets/{registration.id}")
    for page in pages:
        arabic = client.get(page.format(lang="ar")).get_data(as_text=True)
        assert '<span lang="ar" dir="rtl">دار الحي القدس</span>, وجدة' in arabic, page
        assert "Maison de quartier" not in arabic, page
        english = client.get(page.format(lang="en")).get_data(as_text=True)
        marked = '<span lang="fr" dir="ltr">Maison de quartier Al Qods</span> <small class="fallback">'
        assert marked + "(in French)" in english, page
    # Searching finds the event by its venue in any language.
    assert f'href="/fr/events/{event.id}"' in client.get("/fr/events?q=القدس").get_data(as_text=True)


def test_the_calendar_file_places_the_event_in_the_readers_language(client, oujda):
    event = make_event(oujda, venue=VENUE)

    def location(language: str) -> str:
        calendar = Calendar.from_ical(client.get(f"/{language}/events/{event.id}/calendar.ics").data)
        return str(next(iter(calendar.walk("VEVENT")))["location"])

    assert location("ar") == "دار الحي القدس, وجدة"
    assert location("fr") == location("en") == "Maison de quartier Al Qods, Oujda"  # no English: French


def test_the_event_form_names_the_venues_missing_languages_and_keeps_what_was_typed(client, oujda):
    sign_in_as(client, make_organiser(oujda))
    data = event_form(oujda, venue_fr="", venue_ar="  ", venue_en="")
    response = client.post("/en/manage/events/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    venue = page.split('id="venue-languages"')[1].split("</fieldset>")[0]
    assert "Say where the event takes place." in venue
    assert 'value="Journée portes ouvertes"' in page
    # Written in Arabic only, with a session ending before it starts: refused, the venue kept.
    data = {**data, "venue_ar": "دار الشباب", "sessions-0-ends": "09:00"}
    page = client.post("/en/manage/events/new", data=data).get_data(as_text=True)
    venue = page.split('id="venue-languages"')[1].split("</fieldset>")[0]
    assert 'value="دار الشباب"' in venue and "Not written yet in: French and English" in venue
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0

    assert client.post("/en/manage/events/new", data={**data, "sessions-0-ends": "12:00"}).status_code == 303
    event = db.session.scalar(sa.select(Event))
    assert (event.venue_fr, event.venue_ar, event.venue_en) == (None, "دار الشباب", None)
    edit = client.get(f"/en/manage/events/{event.id}/edit").get_data(as_text=True)
    venue = edit.split('id="venue-languages"')[1].split("</fieldset>")[0]
    assert 'value="دار الشباب"' in venue and "Not written yet in: French and English" in venue
