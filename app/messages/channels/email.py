"""Email over SMTP: `JIWAR_MAIL_URL` = smtp://user:password@host:587?starttls=1 or smtps://user:password@host:465,
from `JIWAR_MAIL_FROM`. Text and HTML parts; List-Unsubscribe with one-click (RFC 8058) when the
message has an unsubscribe link. One connection is kept between messages and reopened when it drops."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from app.core.time import utcnow
from app.messages.channels.base import ConfigurationError, PermanentFailure, Sent, TemporaryFailure, short

TRUE = {"1", "true", "yes", "on"}


class EmailChannel:
    name = "email"

    def __init__(self, url: str, sender: str, *, timeout: float = 20.0):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ConfigurationError(
                f"JIWAR_MAIL_URL must start with smtp:// or smtps://, not {parts.scheme or 'nothing'}:// "
                "(for example smtp://user:password@mail.example.org:587?starttls=1)."
            )
        if not parts.hostname:
            raise ConfigurationError("JIWAR_MAIL_URL names no host (smtp://user:password@HOST:587?starttls=1).")
        if bool(parts.username) != bool(parts.password):
            raise ConfigurationError(
                "JIWAR_MAIL_URL gives a user without a password, or a password without a user."
            )
        if not sender or "@" not in parseaddr(sender)[1]:
            raise ConfigurationError(
                "Set JIWAR_MAIL_FROM to the sender's address (for example \"Jiwar <no-reply@example.org>\")."
            )
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.implicit_tls = parts.scheme == "smtps"
        self.starttls = not self.implicit_tls and options.get("starttls", "0").lower() in TRUE
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 587 if self.starttls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.implicit_tls:
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                connection.starttls(context=context)
            if self.user:
                connection.login(self.user, self.password)
        except BaseException:
            connection.close()  # a refused certificate or login leaves no socket behind
            raise
        return connection

    def check(self) -> None:
        try:
            self._connect().quit()
        except smtplib.SMTPAuthenticationError as error:
            raise ConfigurationError(
                f"The SMTP server {self.host}:{self.port} refused the user and password of JIWAR_MAIL_URL "
                f"({short(error, 200)})."
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            raise ConfigurationError(
                f"Cannot reach the SMTP server {self.host}:{self.port} named by JIWAR_MAIL_URL: "
                f"{short(error, 200)}."
            ) from error

    def build(self, composed, idempotency_key: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = composed.address
        message["Subject"] = composed.subject
        message["Date"] = format_datetime(utcnow())
        sender_domain = parseaddr(self.sender)[1].rpartition("@")[2]
        # The same Message-ID on a repeated send lets mail systems see it is one message.
        message["Message-ID"] = f"<{idempotency_key}@{sender_domain}>"
        message["Auto-Submitted"] = "auto-generated"
        if composed.unsubscribe_url:
            message["List-Unsubscribe"] = f"<{composed.unsubscribe_url}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(composed.text)
        if composed.html:
            message.add_alternative(composed.html, subtype="html")
        message["Content-Language"] = composed.language  # after the body: set_content clears Content-*
        return message

    def send(self, composed, idempotency_key: str) -> Sent:
        message = self.build(composed, idempotency_key)
        for attempt in (1, 2):  # a kept connection the server closed meanwhile is opened again once
            try:
                if self._connection is None:
                    self._connection = self._connect()
                self._connection.send_message(message)
                return Sent(message["Message-ID"])
            except smtplib.SMTPRecipientsRefused as error:
                self.close()
                codes = [code for code, _text in error.recipients.values()]
                if all(500 <= code < 600 for code in codes):
                    raise PermanentFailure(f"SMTP refused the address: {short(error.recipients)}") from error
                raise TemporaryFailure(f"SMTP deferred the address: {short(error.recipients)}") from error
            except smtplib.SMTPResponseException as error:
                self.close()
                reason = f"SMTP {error.smtp_code}: {short(error.smtp_error)}"
                if 500 <= error.smtp_code < 600 and not isinstance(error, smtplib.SMTPAuthenticationError):
                    raise PermanentFailure(reason) from error
                raise TemporaryFailure(reason) from error
            except smtplib.SMTPServerDisconnected as error:
                self.close()
                if attempt == 2:
                    raise TemporaryFailure(f"SMTP server disconnected: {short(error)}") from error
            except (OSError, smtplib.SMTPException) as error:
                self.close()
                raise TemporaryFailure(f"SMTP server unreachable: {short(error)}") from error
        raise TemporaryFailure("SMTP server disconnected")

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._connection.quit()
            self._connection = None
