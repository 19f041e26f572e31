"""Content in three languages on a 360 px phone, in Arabic and French: an event, a call, a proposal
with the municipality's answer and a participant card, each text in the reader's language or marked
as French; screenshots to look at and an axe check."""

import pytest

from app.extensions import db
from tests.browser.accessibility import serious_violations
from tests.browser.conftest import SCREENSHOTS
from tests.factories import (
    make_call,
    make_card_holder,
    make_event,
    make_municipality,
    make_organiser,
    make_proposal,
    make_registration,
    make_reviewer,
    make_user,
)

VENUES = {"fr": "Maison de quartier Al Qods", "ar": "دار الحي القدس"}
ANSWER_FR = "Acceptée : la commune prête le terrain derrière l'école au printemps."


def _sign_in(app, context, base_url, user):
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    context.add_cookies([{"name": "session", "value": value, "url": base_url}])


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _content():
    oujda = make_municipality("oujda")
    event = make_event(
        oujda,
        title="Atelier couture et retouches",
        description_fr="Apportez vos tissus : machines et fil sont fournis. Garderie sur place.",
        venue={"fr": "Maison de quartier Al Qods", "ar": "دار الحي القدس"},
        languages="fr,ary,wo,dje",
    )
    event.title_ar = "ورشة الخياطة والتعديلات"
    call = make_call(
        oujda,
        phase="review",
        title="Vivre ensemble à Oujda",
        description="Proposez un projet pour votre quartier : la commune répond à chacun.",
    )
    call.title_ar = "العيش المشترك في وجدة"
    arabic = ("ثقافة", "تعليم", "الفضاء العام", "صحة", "شباب")
    for category, name in zip(call.categories, arabic, strict=True):
        category.name_ar = name
    proposal = make_proposal(call, make_user(), title="Jardin partagé", category=call.categories[2])
    proposal.status = "accepted"
    proposal.answer_text_fr = ANSWER_FR
    holder = make_card_holder("Awa", municipality=oujda)
    make_registration(event, holder)
    db.session.commit()
    return {"oujda": oujda, "event": event, "call": call, "proposal": proposal, "holder": holder}


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_content_is_read_in_the_readers_language_or_marked_on_a_phone(
    app, browser, live_server, lang
):
    made = _content()
    organiser = make_organiser(made["oujda"])
    context = browser.new_context(
        locale=lang, extra_http_headers={"Accept-Language": lang}, viewport={"width": 360, "height": 780}
    )
    page = context.new_page()
    found = {}

    page.goto(f"{live_server}/{lang}/events/{made['event'].id}")
    title = page.locator("main h1")
    assert title.get_attribute("lang") == lang
    description = page.locator(".description")
    assert description.get_attribute("lang") == "fr" and description.get_attribute("dir") == "ltr"
    note = page.locator("small.fallback")
    assert note.count() == (1 if lang == "ar" else 0)  # the description's: the venue is in both
    venue = page.locator("main dd span[lang]").first
    assert venue.get_attribute("lang") == lang
    assert venue.inner_text() == VENUES[lang]
    spoken = {
        "ar": "الفرنسية والدارجة المغربية والولوفية والزارمية",
        "fr": "français, arabe marocain, wolof et zarma",
    }
    assert spoken[lang] in page.locator("main").inner_text()
    found["event"] = serious_violations(page)
    _shot(page, f"content-event-{lang}")

    page.goto(f"{live_server}/{lang}/calls/{made['call'].id}")
    assert page.locator("main h1").get_attribute("lang") == lang
    assert page.locator(".call-description").get_attribute("lang") == "fr"
    found["call"] = serious_violations(page)
    _shot(page, f"content-call-{lang}")

    page.goto(f"{live_server}/{lang}/proposals/{made['proposal'].id}")
    answer = page.locator(".answer .user-text").first
    assert answer.inner_text() == ANSWER_FR and answer.get_attribute("lang") == "fr"
    assert answer.get_attribute("dir") == "ltr"
    assert page.locator(".answer small.fallback").count() == (1 if lang == "ar" else 0)
    found["proposal"] = serious_violations(page)
    _shot(page, f"content-proposal-{lang}")

    _sign_in(app, context, live_server, organiser)
    page.goto(f"{live_server}/fr/desk/people/{made['holder'].id}/card?language={lang}")
    assert page.locator("html").get_attribute("lang") == "fr"  # the organiser's page, the holder's card
    card = page.locator("article.participant-card")
    assert card.get_attribute("lang") == lang
    direction = card.evaluate("element => getComputedStyle(element).direction")
    assert direction == ("rtl" if lang == "ar" else "ltr")
    card_title = page.locator(".card-events strong")
    assert card_title.get_attribute("lang") == lang
    assert VENUES[lang] in page.locator(".card-events").inner_text()
    found["card"] = serious_violations(page)
    _shot(page, f"content-card-{lang}")

    page.goto(f"{live_server}/{lang}/manage/events/{made['event'].id}/edit")
    arabic_venue = page.locator("input[name=venue_ar]")
    assert arabic_venue.get_attribute("dir") == "rtl" and arabic_venue.input_value() == VENUES["ar"]
    assert page.locator("#venue-languages .missing-languages").count() == 1  # English is missing
    _shot(page, f"content-event-form-{lang}")

    _sign_in(app, context, live_server, make_reviewer(made["oujda"]))  # reviewers write the calls
    page.goto(f"{live_server}/{lang}/manage/calls/{made['call'].id}/edit")
    arabic_title = page.locator("input[name=title_ar]")
    assert arabic_title.get_attribute("dir") == "rtl"
    assert arabic_title.input_value() == "العيش المشترك في وجدة"
    assert page.locator("#description-languages .missing-languages").count() == 1
    _shot(page, f"content-call-form-{lang}")
    context.close()
    assert found == {name: [] for name in found}
