"""The messages as people see them: the Arabic (and French) email of compose() rendered by Chromium at
desktop width and 360 px; the messages page, the confirmation page and the organisers' message page in
three languages, with axe."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.models import OutboxMessage
from app.events import services as events
from app.extensions import db
from app.messages.compose import compose
from tests.browser.accessibility import serious_violations, submit
from tests.browser.test_accounts import sign_in
from tests.factories import make_event, make_municipality, make_organiser, make_registration, make_user

LANGUAGES = ("fr", "ar", "en")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_registration_email_renders_right_to_left_in_arabic(app, page, screenshot, language):
    oujda = make_municipality("oujda")
    person = make_user("أمينة" if language == "ar" else "Amina", municipality=oujda)
    person.preferred_locale = language
    db.session.commit()
    event = make_event(oujda, title="Atelier cuisine", title_ar="ورشة الطبخ المغربي التقليدي",
                       venue="دار الشباب الزيتون", starts_in=timedelta(days=3))
    with app.test_request_context():
        events.register_for_event(event.id, person.participant_id)
    confirmed = sa.select(OutboxMessage).where(OutboxMessage.kind == "registration_confirmed")
    message = db.session.scalar(confirmed)
    composed = compose(message)
    for width, suffix in ((800, ""), (360, "-360")):
        page.set_viewport_size({"width": width, "height": 800})
        page.set_content(composed.html)
        assert page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == (
            "rtl" if language == "ar" else "ltr")
        # Nothing wider than the phone's screen: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(f"email-registration-{language}{suffix}")
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_messages_confirmation_and_organiser_pages(page, live_server, screenshot, language):
    oujda = make_municipality("oujda")
    make_user("Fatou Diallo", email="fatou@example.org", phone="+212612345678")
    make_user("Awa", email="awa@example.org", confirmed=False)
    organiser = make_organiser(oujda, email="org@example.org")
    event = make_event(oujda, title="Atelier cuisine", title_ar="ورشة الطبخ")
    make_registration(event, make_user("Binta").participant)
    assert organiser.id
    page.set_extra_http_headers({"Accept-Language": language})
    found = {}
    sign_in(page, live_server, "fatou@example.org")
    page.wait_for_url(live_server + f"/{language}/")
    page.goto(live_server + "/me/messages")
    found["/me/messages"] = serious_violations(page)
    screenshot(f"messages-{language}")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(f"messages-{language}-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click(".site-nav button:has-text('" + {"fr": "Se déconnecter", "ar": "تسجيل الخروج",
                                                  "en": "Sign out"}[language] + "')")
    sign_in(page, live_server, "awa@example.org")
    page.wait_for_url(live_server + f"/{language}/")
    page.goto(live_server + "/confirm")
    page.fill("#code", "000000")
    submit(page, "main form button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    found["/confirm (error)"] = serious_violations(page)
    screenshot(f"confirm-{language}")
    page.context.clear_cookies()
    sign_in(page, live_server, "org@example.org")
    page.wait_for_url(live_server + f"/{language}/")
    page.goto(live_server + f"/manage/events/{event.id}/message")
    page.set_viewport_size({"width": 360, "height": 800})
    found["message (form)"] = serious_violations(page)
    # The Arabic field is typed right to left whatever the page's direction.
    assert page.evaluate("getComputedStyle(document.querySelector('#text_ar')).direction") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(f"organiser-message-form-{language}-360")
    page.fill("#text_fr", "Apportez vos tabliers.")
    page.fill("#text_ar", "أحضروا مآزركم.")
    submit(page, "main form button[type=submit]")
    found["message (check)"] = serious_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(f"organiser-message-{language}-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(f"organiser-message-{language}")
    assert found == dict.fromkeys(found, [])
