"""Browser checks of the directory: pages once opened stay readable offline (the directory's service
worker) while the rest of the site does not; screenshots at 360 px in fr, ar and en; axe."""

import pytest
from flask import url_for
from playwright.sync_api import expect

from tests.browser.accessibility import serious_violations
from tests.browser.conftest import SCREENSHOTS
from tests.factories import make_municipality, make_organiser, make_service

# Resolves once the directory's service worker is active and this page's copy (and its assets) is kept.
READY = """navigator.serviceWorker.ready.then(function () {
  return window.jiwarKept || true;
}).then(function () { return true; })"""

STYLED = "Array.from(document.styleSheets).every(function (sheet) { return sheet.cssRules.length > 0; })"


def address(app, live_server, endpoint, language, **values):
    with app.test_request_context():
        return live_server + url_for(endpoint, page_language=language, **values)


@pytest.fixture
def entry():
    oujda = make_municipality("oujda")
    # The cost is written in French and Arabic only: the English page shows the French, marked.
    return make_service(oujda, is_free=False, cost_note={"fr": "50 dirhams par trimestre",
                                                         "ar": "50 درهما في الفصل"})


def test_directory_pages_opened_once_stay_readable_offline(app, page, live_server, entry):
    listing = address(app, live_server, "directory.list_services", "fr")
    service = address(app, live_server, "directory.show_service", "fr", service_id=entry.id)
    events = address(app, live_server, "events.list_events", "fr")
    # Each page is opened once; the list is the first, opened before any service worker exists.
    page.goto(listing)
    assert page.evaluate(READY)
    page.goto(service)
    expect(page.get_by_role("heading", name="Permanence juridique")).to_be_visible()
    assert page.evaluate(READY)

    # The browser's own HTTP cache holds the pages too (with their ETag): empty it,
    # so what answers offline is the service worker's copy.
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.context.set_offline(True)
    try:
        answer = page.reload()
        assert answer.from_service_worker  # not the browser's HTTP cache
        expect(page.get_by_role("heading", name="Permanence juridique")).to_be_visible()
        assert page.evaluate(STYLED)  # its stylesheets came from the copy too
        answer = page.goto(listing)
        assert answer.from_service_worker
        expect(page.get_by_role("link", name="Permanence juridique")).to_be_visible()
        # The service worker's scope is the directory: another page of the site is not kept.
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
            page.goto(events)
    finally:
        page.context.set_offline(False)


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_screenshots_and_accessibility(app, page, live_server, entry, screenshot, language):
    page.set_viewport_size({"width": 360, "height": 740})
    problems = {}

    def check(name, url):
        page.goto(url)
        screenshot(f"directory-{name}-{language}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        serious = serious_violations(page)
        if serious:
            problems[name] = serious

    check("list", address(app, live_server, "directory.list_services", language))
    name = {"fr": "Permanence juridique", "ar": "مداومة قانونية", "en": "Legal aid desk"}[language]
    expect(page.get_by_text(name).first).to_be_visible()
    check("entry", address(app, live_server, "directory.show_service", language, service_id=entry.id))
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    assert problems == {}


def _sign_in(app, context, base_url, user):
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    context.add_cookies([{"name": "session", "value": value, "url": base_url}])


FORM_WORDS = {
    "fr": {"arabic": "Arabe", "missing": "Pas encore écrit en : français et anglais",
           "latitude": "La latitude est comprise entre -90 et 90."},
    "ar": {"arabic": "العربية", "missing": "لم يُكتب بعد بـ: الفرنسية والإنجليزية",
           "latitude": "يقع خط العرض بين -90 و90."},
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_organisers_form_on_a_phone_groups_each_text_by_language(
    app, browser, live_server, entry, language
):
    """Name, description and who may use it are typed per language like the address and cost; a form
    refused for another reason keeps the Arabic typed and says which languages are still missing."""
    context = browser.new_context(locale=language, viewport={"width": 360, "height": 780})
    page = context.new_page()
    _sign_in(app, context, live_server, make_organiser(entry.municipality))
    words = FORM_WORDS[language]
    page.goto(address(app, live_server, "directory.edit_service", language, service_id=entry.id))
    arabic_name = page.locator("#name-languages").get_by_label(words["arabic"])
    assert arabic_name.input_value() == "مداومة قانونية" and arabic_name.get_attribute("dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    _shot(page, f"directory-form-{language}")

    page.locator("#eligibility-languages").get_by_label(words["arabic"]).fill("لكل المقيمين في وجدة")
    page.locator("#latitude").fill("134")
    page.locator("main form p.actions button[type=submit]").click()
    eligibility = page.locator("#eligibility-languages")
    expect(eligibility.locator(".missing-languages")).to_have_text(words["missing"])
    assert eligibility.get_by_label(words["arabic"]).input_value() == "لكل المقيمين في وجدة"
    expect(page.get_by_text(words["latitude"])).to_be_visible()
    _shot(page, f"directory-form-refused-{language}")

    page.locator("#latitude").fill("34.68")
    page.locator("main form p.actions button[type=submit]").click()
    expect(page.get_by_text("لكل المقيمين في وجدة")).to_be_visible()  # on the entry's staff page
    context.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
