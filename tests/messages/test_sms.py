"""The SMS adapters against a local HTTP server speaking SMS Gateway for Android's and Twilio's APIs:
requests, authentication, answers, errors and timeouts."""

import re

import pytest

from app.messages.channels import sms_adapter
from app.messages.channels.base import ConfigurationError, PermanentFailure, TemporaryFailure
from app.messages.compose import Composed
from tests.messages.servers import TWILIO_SID, free_port

TEXT = Composed("sms", "+212612345678", "", "Rappel : atelier demain à 18:00. jiwar.ma/e/12")
ARABIC = Composed("sms", "+21620123456", "", "تذكير: ورشة الغد على الساعة 18:00", language="ar")


def test_sms_gateway_for_android_gets_the_message_with_our_key_as_its_id(sms_server):
    channel = sms_adapter(sms_server.gateway_url())
    sent = channel.send(ARABIC, "key-1")
    channel.close()
    assert sent.provider_message_id == "key-1"
    assert sms_server.accepted["key-1"] == {"phoneNumbers": ["+21620123456"], "text": ARABIC.text}


def test_a_repeated_send_is_recognised_by_its_key_and_reaches_the_phone_once(sms_server):
    channel = sms_adapter(sms_server.gateway_url())
    channel.send(TEXT, "key-2")
    assert channel.send(TEXT, "key-2").provider_message_id == "key-2"  # 409: the gateway has it already
    channel.close()
    assert sms_server.sends()["key-2"] == 2
    assert list(sms_server.accepted) == ["key-2"]


def test_gateway_answers_sort_into_temporary_and_permanent_failures(sms_server):
    channel = sms_adapter(sms_server.gateway_url())
    sms_server.fail_next = 1
    with pytest.raises(TemporaryFailure, match="503: device is not reachable"):
        channel.send(TEXT, "key-3")
    with pytest.raises(PermanentFailure, match="400: invalid phone number"):
        channel.send(Composed("sms", "0612", "", "x"), "key-4")
    wrong = sms_adapter(sms_server.gateway_url(password="wrong"))
    with pytest.raises(TemporaryFailure, match="401"):  # credentials can be fixed: the message waits
        wrong.send(TEXT, "key-5")
    channel.close()
    wrong.close()


def test_a_gateway_that_does_not_answer_in_time_is_a_temporary_failure(sms_server):
    channel = sms_adapter(sms_server.gateway_url())
    channel.timeout = (2, 0.5)
    sms_server.hang_next = 2
    with pytest.raises(TemporaryFailure, match="no answer in time"):
        channel.send(TEXT, "key-6")
    unreachable = sms_adapter(f"smsgateway+http://sms:pw@127.0.0.1:{free_port()}")
    with pytest.raises(TemporaryFailure, match="unreachable"):
        unreachable.send(TEXT, "key-7")
    channel.close()
    unreachable.close()


def test_twilio_gets_a_form_with_basic_authentication_and_answers_its_sid(sms_server):
    channel = sms_adapter(sms_server.twilio_url(), "https://jiwar.example/messages/receipts/twilio")
    sent = channel.send(TEXT, "key-8")
    channel.close()
    form = sms_server.accepted[sent.provider_message_id]
    assert sent.provider_message_id.startswith("SM")
    assert form == {"To": "+212612345678", "Body": TEXT.text, "From": "+15005550006",
                    "StatusCallback": "https://jiwar.example/messages/receipts/twilio"}


def test_twilio_errors_keep_twilios_code(sms_server):
    channel = sms_adapter(sms_server.twilio_url())
    with pytest.raises(PermanentFailure, match=r"is not a valid phone number. \(code 21211\)"):
        channel.send(Composed("sms", "12", "", "x"), "key-9")
    sms_server.fail_next = 1
    with pytest.raises(TemporaryFailure, match="503"):
        channel.send(TEXT, "key-10")
    channel.close()


@pytest.mark.parametrize(("url", "said"), [
    ("sms://phone:8080", "use smsgateway+http:// or smsgateway+https://"),
    ("smsgateway+ftp://u:p@phone:8080", "starts with smsgateway+http://"),
    ("smsgateway+http://192.168.1.20:8080", "no user and password"),
    ("twilio://api.twilio.com?from=%2B1555", "no Account SID and Auth Token"),
    (f"twilio://{TWILIO_SID}:token@api.twilio.com", "needs ?from=SENDER"),
])
def test_bad_sms_settings_are_said_before_any_send(url, said):
    with pytest.raises(ConfigurationError, match=re.escape(said)):
        sms_adapter(url)


def test_the_start_up_check_reaches_the_gateway_and_proves_the_credentials(sms_server):
    sms_adapter(sms_server.gateway_url()).check()
    sms_adapter(sms_server.twilio_url()).check()
    with pytest.raises(ConfigurationError, match="refused the credentials"):
        sms_adapter(sms_server.gateway_url(password="wrong")).check()
    with pytest.raises(ConfigurationError, match="refused the credentials"):
        sms_adapter(sms_server.twilio_url(token="wrong")).check()
    with pytest.raises(ConfigurationError, match="Cannot reach the SMS Gateway for Android"):
        sms_adapter(f"smsgateway+http://sms:pw@127.0.0.1:{free_port()}").check()
