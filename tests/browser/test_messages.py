"""The failed messages page and its resend confirmation in Chromium, in each language and at 360 px;
axe on both; and an Arabic email as received by the SMTP server, rendered."""

import re

import pytest

from app.core.models import DeliveryStatus
from app.core.notifications import queue_notification
from app.extensions import db
from app.messages.channels.email import EmailChannel
from tests.browser.accessibility import serious_violations
from tests.browser.test_accounts import LANGUAGES, sign_in
from tests.factories import make_admin, make_user
from tests.messages.conftest import SENDER
from tests.messages.servers import SmtpServer
from tests.messages.test_email import ARABIC


def _failed_messages():
    person = make_user("Awa", phone="+212612345678")
    reasons = ["SMS Gateway for Android answered 400: invalid phone number +2126",
               "after 8 attempts: SMS Gateway for Android unreachable: Connection refused"]
    for reason in reasons:
        message = queue_notification(person.participant_id, "event_cancelled", event_id=1)
        message.status, message.channel, message.address = DeliveryStatus.FAILED, "sms", "+212612345678"
        message.failure_reason, message.attempts = reason, 8
    db.session.commit()
    return message


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [1280, 360])
def test_an_administrator_resends_a_failed_message(page, live_server, screenshot, language, width):
    page.set_viewport_size({"width": width, "height": 800})
    message = _failed_messages()
    make_admin(display_name="Amina Admin", email="admin@example.org")
    page.set_extra_http_headers({"Accept-Language": language})
    sign_in(page, live_server, "admin@example.org")
    page.wait_for_url(re.compile(r".*/(fr|ar|en)/$"))
    page.goto(live_server + "/admin/messages")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert "+212•••78" in page.inner_text("main")
    found = {"list": serious_violations(page)}
    screenshot(f"messages-failed-{language}-{width}")
    page.click(f"a[href$='/admin/messages/{message.id}/resend']")
    page.wait_for_url(f"**/admin/messages/{message.id}/resend")
    found["confirmation"] = serious_violations(page)
    screenshot(f"messages-resend-{language}-{width}")
    page.click("main button[type=submit]")
    page.wait_for_url("**/admin/messages")
    assert page.locator(".failed-messages > li").count() == 1
    assert found == dict.fromkeys(found, [])


def test_an_arabic_email_as_received_reads_right_to_left(page, screenshot):
    with SmtpServer() as smtp_server:
        channel = EmailChannel(smtp_server.url, SENDER)
        channel.send(ARABIC, "key-ar")
        channel.close()
    [received] = smtp_server.box.messages
    page.set_viewport_size({"width": 360, "height": 640})
    page.set_content(received.get_body(("html",)).get_content())
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    screenshot("email-ar-360")
