"""The channels a deployment configures: email when JIWAR_MAIL_URL is set, SMS when JIWAR_SMS_URL is,
and the log for what has no channel configured (the development default)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.messages.channels.base import Channel, ConfigurationError
from app.messages.channels.log import LogChannel

SMS_ADAPTERS = ("smsgateway+http", "smsgateway+https", "twilio", "twilio+https", "twilio+http")


@dataclass
class Channels:
    by_name: dict[str, Channel] = field(default_factory=dict)
    log: LogChannel = field(default_factory=LogChannel)

    def for_name(self, name: str) -> Channel:
        return self.by_name.get(name, self.log)

    def check(self) -> None:
        for channel in self.by_name.values():
            channel.check()

    def close(self) -> None:
        for channel in self.by_name.values():
            channel.close()


def build_channels(config, status_callbacks: dict[str, str] | None = None) -> Channels:
    """Read the settings; a wrong one raises ConfigurationError saying what to write instead."""
    channels = Channels()
    mail_url = config.get("JIWAR_MAIL_URL")
    if mail_url:
        from app.messages.channels.email import EmailChannel

        channels.by_name["email"] = EmailChannel(mail_url, config.get("JIWAR_MAIL_FROM") or "")
    sms_url = config.get("JIWAR_SMS_URL")
    if sms_url:
        channels.by_name["sms"] = sms_adapter(sms_url, (status_callbacks or {}).get("twilio"))
    return channels


def sms_adapter(url: str, twilio_callback: str | None = None) -> Channel:
    scheme = urlsplit(url).scheme
    if scheme.startswith("smsgateway"):
        from app.messages.channels.sms_gateway import SmsGatewayForAndroid

        return SmsGatewayForAndroid(url)
    if scheme.startswith("twilio"):
        from app.messages.channels.twilio import TwilioSms

        return TwilioSms(url, status_callback=twilio_callback)
    raise ConfigurationError(
        f"JIWAR_SMS_URL starts with {scheme or 'nothing'}://; use smsgateway+http:// or smsgateway+https:// "
        "(SMS Gateway for Android) or twilio:// (Twilio)."
    )
