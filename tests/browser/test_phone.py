"""Jiwar on a 360 px phone, in Arabic and French: the first result of each list is in the first
screen (the filters fold behind one button), the staff menu takes one line, supports follow on every
card after an htmx support, and signing in or up from an event comes back to it. Screenshots are
saved under tests/browser/screenshots/phone-*.png; axe finds nothing serious."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from tests.accounts.helpers import translated
from tests.browser.accessibility import serious_violations
from tests.browser.conftest import SCREENSHOTS
from tests.factories import (
    PASSWORD,
    make_call,
    make_event,
    make_municipality,
    make_organiser,
    make_proposal,
    make_user,
)
from tests.factories.directory import make_service

PHONE = {"width": 360, "height": 740}
TEXT = {
    "fr": {"event": "Atelier couture", "proposal": "Jardin partagé des voisins",
           "service": "Centre de santé"},
    "ar": {"event": "ورشة الخياطة", "proposal": "حديقة مشتركة للجيران", "service": "المركز الصحي"},
}


def _phone(browser, lang):
    context = browser.new_context(
        locale=lang, extra_http_headers={"Accept-Language": lang}, viewport=PHONE, device_scale_factor=1
    )
    return context, context.new_page()


def _sign_in(app, context, base_url, user):
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    context.add_cookies([{"name": "session", "value": value, "url": base_url}])


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}-first-screen.png"))


def _in_first_screen(page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (selector, box)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_first_result_is_in_the_first_screen(app, browser, live_server, lang):
    words = TEXT[lang]
    oujda = make_municipality("oujda")
    for day in range(1, 4):  # written in French and Arabic, as an organiser of Oujda would
        make_event(oujda, title=f"{TEXT['fr']['event']} {day}", title_ar=f"{TEXT['ar']['event']} {day}",
                   starts_in=timedelta(days=day))
    call = make_call(oujda, phase="support", support_cap=3, title="Vivre ensemble à Oujda")
    for n in range(3):
        make_proposal(call, make_user(), title=f"{words['proposal']} {n + 1}")
    make_service(oujda, name={"fr": words["service"], "ar": words["service"], "en": "Health centre"})
    db.session.commit()
    context, page = _phone(browser, lang)
    found = {}
    for name, path, first in [
        ("events", "/events", ".event-cards > li .event-title"),
        ("call", f"/calls/{call.id}", ".proposal-cards > li h3"),
        ("directory", "/directory/", ".cards.services > li h2"),
    ]:
        page.goto(f"{live_server}/{lang}{path}")
        _shot(page, f"{name}-{lang}")
        _in_first_screen(page, first)
        assert not page.locator(".filters").first.is_visible()  # folded
        page.locator(".filters-fold > summary").click()
        assert page.locator(".filters").first.is_visible()
        _shot(page, f"{name}-{lang}-filters-open")
        found[name] = serious_violations(page)
    context.close()
    assert found == {name: [] for name in found}


def test_on_a_wide_screen_the_filters_show_without_the_button(browser, live_server):
    make_event(make_municipality("oujda"), title="Atelier couture")
    db.session.commit()
    context = browser.new_context(locale="fr", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(f"{live_server}/fr/events")
    assert page.locator(".filters").first.is_visible()
    assert not page.locator(".filters-fold > summary").is_visible()
    page.select_option("#event-type", "workshop")  # and they work, with htmx, as before
    page.wait_for_url("**/fr/events?*type=workshop*")
    context.close()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_staff_menu_takes_one_line(app, browser, live_server, lang):
    oujda = make_municipality("oujda")
    organiser = make_organiser(oujda, display_name="Youssef El Amrani")
    db.session.commit()
    context, page = _phone(browser, lang)
    _sign_in(app, context, live_server, organiser)
    page.goto(f"{live_server}/{lang}/events")
    links = page.locator(".site-nav li")
    assert links.count() == 8
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, tops  # one line; it scrolls sideways
    workspace = page.locator(".site-nav a[href$='/workspace']")
    workspace.scroll_into_view_if_needed()
    assert workspace.is_visible()
    _shot(page, f"staff-menu-{lang}")
    workspace.click()
    page.wait_for_url(f"**/{lang}/workspace")
    context.close()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_supports_follow_on_every_card_after_an_htmx_support(app, browser, live_server, lang):
    oujda = make_municipality("oujda")
    call = make_call(oujda, phase="support", support_cap=2, title="Vivre ensemble à Oujda")
    for n in range(3):
        make_proposal(call, make_user(), title=f"{TEXT[lang]['proposal']} {n + 1}")
    resident = make_user("Fatou")
    db.session.commit()
    context, page = _phone(browser, lang)
    _sign_in(app, context, live_server, resident)
    page.goto(f"{live_server}/{lang}/calls/{call.id}")
    cards = page.locator(".proposal-cards > li")
    used = lambda n: translated(app, lang, "You have used %(used)s of your %(cap)s supports.", used=n, cap=2)  # noqa: E731
    assert used(0).decode() in cards.nth(2).inner_text()
    cards.nth(0).locator("button[type=submit]").click()
    page.locator(".proposal-cards > li").nth(0).locator("button[aria-pressed=true]").wait_for()
    for n in (1, 2):
        assert used(1).decode() in cards.nth(n).inner_text()
    cards.nth(1).locator("button[type=submit]").click()
    page.locator(".proposal-cards > li").nth(1).locator("button[aria-pressed=true]").wait_for()
    assert used(2).decode() in cards.nth(0).inner_text()
    # The third card no longer offers a Support the cap would refuse.
    third = cards.nth(2)
    assert third.locator("button").count() == 0
    assert translated(app, lang, "To support this one, first withdraw one of your supports.").decode() \
        in third.inner_text()
    assert page.url.endswith(f"/{lang}/calls/{call.id}")  # no reload: htmx swapped the boxes
    _shot(page, f"supports-{lang}")
    assert serious_violations(page) == []
    context.close()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_signing_in_from_an_event_comes_back_to_it(browser, live_server, lang):
    event = make_event(make_municipality("oujda"), title=TEXT["fr"]["event"], title_ar=TEXT["ar"]["event"],
                       starts_in=timedelta(days=3))
    make_user("Fatou", email="fatou@example.org")
    db.session.commit()
    context, page = _phone(browser, lang)
    page.goto(f"{live_server}/{lang}/events/{event.id}")
    page.locator(".site-nav a[href*='/sign-in']").click()
    page.fill("#identifier", "fatou@example.org")
    page.fill("#password", PASSWORD)
    _shot(page, f"sign-in-{lang}")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/{lang}/events/{event.id}")
    assert page.locator(".site-nav").get_by_text("Fatou").count() == 1
    context.close()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_creating_an_account_from_an_event_comes_back_to_it(app, browser, live_server, lang):
    event = make_event(make_municipality("oujda"), title=TEXT["fr"]["event"], title_ar=TEXT["ar"]["event"],
                       starts_in=timedelta(days=3))
    db.session.commit()
    context, page = _phone(browser, lang)
    page.goto(f"{live_server}/{lang}/events/{event.id}")
    page.locator(".site-nav a[href*='/sign-up']").click()
    page.fill("#display_name", "Aminata")
    page.fill("#phone", "06 12 34 56 78")
    page.fill("#password", "evening walk by the sea")
    page.fill("#confirm", "evening walk by the sea")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(rf".*/{lang}/sign-in\?next=/{lang}/events/{event.id}$"))
    # The answer says what to do next, with the number as typed in international form, filled in.
    flash = page.locator(".flash").first.inner_text()
    assert "+212 6 12 34 56 78" in flash
    assert flash.startswith("الخطوة التالية" if lang == "ar" else "Étape suivante")
    assert page.input_value("#identifier") == "+212 6 12 34 56 78"
    _shot(page, f"after-sign-up-{lang}")
    assert serious_violations(page) == []
    page.fill("#password", "evening walk by the sea")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/{lang}/events/{event.id}")
    context.close()
