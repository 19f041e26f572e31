"""Sign-up, sign-in and the language switch in Chromium; screenshots in three languages; axe."""

import re

import pytest

from tests.browser.accessibility import serious_violations, submit
from tests.factories import PASSWORD, make_municipality, make_user

LANGUAGES = ("fr", "ar", "en")


def sign_in(page, live_server, identifier, password=PASSWORD):
    page.goto(live_server + "/sign-in")
    page.fill("#identifier", identifier)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def switch_to(page, language):
    page.click(f".language-switcher a[lang={language}]")
    page.wait_for_selector(f'html[lang="{language}"]')


def test_sign_up_with_a_phone_number(page, live_server):
    make_municipality("oujda")
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(live_server + "/sign-up")
    page.fill("#display_name", "Aminata")
    page.fill("#phone", "06 12 34 56 78")
    page.select_option("#municipality", label="Oujda")
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    page.click("main button[type=submit]")
    assert page.locator("#password-error").inner_text() == "Use at least 8 characters."
    assert page.input_value("#phone") == "06 12 34 56 78"  # kept
    page.fill("#password", "evening walk by the sea")
    page.fill("#confirm", "evening walk by the sea")
    page.click("main button[type=submit]")
    # The same answer as for a number already in use; then the person signs in.
    page.wait_for_selector(".flash:has-text('Next step: sign in below with')")
    sign_in(page, live_server, "0612345678", "evening walk by the sea")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    page.goto(live_server + "/me")
    assert "+212 6 12 34 56 78" in page.inner_text("main")
    assert page.locator(".site-nav").get_by_text("Aminata").is_visible()


def test_sign_in_and_out(page, live_server):
    make_user("Youssef", phone="+212612345678")
    page.set_extra_http_headers({"Accept-Language": "en"})
    sign_in(page, live_server, "0612345678", "wrong password here")
    assert "do not match" in page.inner_text("[role=alert]")
    assert page.input_value("#identifier") == "0612345678"
    sign_in(page, live_server, "0612345678")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    assert page.locator(".site-nav").get_by_text("Youssef").is_visible()
    page.click(".site-nav button:has-text('Sign out')")
    page.wait_for_selector(".flash:has-text('You are signed out.')")
    assert page.locator(".site-nav a[href='/en/sign-in']").is_visible()


def test_the_language_switch_turns_the_page_right_to_left_and_back(page, live_server):
    page.set_extra_http_headers({"Accept-Language": "fr"})
    page.goto(live_server + "/sign-in")
    assert page.get_attribute("html", "lang") == "fr"
    switch_to(page, "ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.url == live_server + "/ar/sign-in"  # the same page, in Arabic
    # The layout itself flips: the brand sits on the right in Arabic.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    page.reload()
    assert page.get_attribute("html", "lang") == "ar"  # the address holds the language
    page.goto(live_server + "/")
    # An anonymous visitor's public pages keep nothing of theirs: `/` goes by the browser's language.
    assert page.url == live_server + "/fr/"
    switch_to(page, "en")
    assert page.get_attribute("html", "dir") == "ltr"


@pytest.mark.parametrize("language", LANGUAGES)
def test_screenshots_of_home_sign_in_and_profile(page, live_server, screenshot, language):
    make_user("Fatou Diallo", email="fatou@example.org")
    page.set_viewport_size({"width": 390, "height": 844})  # a small phone
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(live_server + "/")
    assert page.get_attribute("html", "lang") == language
    screenshot(f"home-{language}")
    page.goto(live_server + "/sign-in")
    screenshot(f"sign-in-{language}")
    sign_in(page, live_server, "fatou@example.org")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    page.goto(live_server + "/me")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    screenshot(f"profile-{language}")
    page.goto(live_server + "/me/participation")
    screenshot(f"participation-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_accessibility_violation(page, live_server, language):
    make_municipality("oujda")
    make_user("Fatou Diallo", email="fatou@example.org")
    page.set_extra_http_headers({"Accept-Language": language})
    found = {}
    for path in ("/", "/sign-in", "/sign-up"):
        page.goto(live_server + path)
        found[path] = serious_violations(page)
    # The same forms with their errors shown.
    page.goto(live_server + "/sign-up")
    submit(page, "main button[type=submit]")
    found["/sign-up (errors)"] = serious_violations(page)
    sign_in(page, live_server, "fatou@example.org")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    for path in ("/me", "/me/participation", "/me/password"):
        page.goto(live_server + path)
        found[path] = serious_violations(page)
    assert found == dict.fromkeys(found, [])


def test_desk_link_handed_over_and_used(page, live_server, screenshot, browser):
    oujda = make_municipality("oujda")
    from tests.factories import make_organiser

    make_organiser(oujda, email="desk@example.org")
    make_user("Aminata Diallo", phone="+212612345678", municipality=oujda)
    page.set_extra_http_headers({"Accept-Language": "ar"})
    sign_in(page, live_server, "desk@example.org")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    page.goto(live_server + "/accounts/desk")
    page.fill("#desk-q", "0612345678")
    page.wait_for_selector("#desk-results :text('Aminata Diallo')")  # live search, no reload
    page.click("#desk-results a.button")
    page.fill("#said", "1234")  # not what the person says: refused, the answer kept
    page.click("main button[type=submit]")
    page.wait_for_selector("#said-error")
    assert page.input_value("#said") == "1234"
    page.fill("#said", "5678")
    page.click("main button[type=submit]")
    page.wait_for_selector(".reset-link svg")
    screenshot("desk-link-ar")
    link = page.inner_text(".link-text code")
    assert link.startswith("http://127.0.0.1:5000/ar/reset/")
    # The resident opens it on their own phone (the canonical host is this test server's address).
    resident = browser.new_page()
    resident.goto(live_server + link.removeprefix("http://127.0.0.1:5000"))
    assert resident.url == live_server + "/ar/reset"  # the token left the address bar
    resident.fill("#password", "my own new phrase")
    resident.fill("#confirm", "my own new phrase")
    resident.click("main button[type=submit]")
    resident.wait_for_url("**/sign-in")
    sign_in(resident, live_server, "06 12 34 56 78", "my own new phrase")
    resident.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    resident.close()
