"""The email channel's two TLS paths against aiosmtpd with a certificate made for the test:
STARTTLS on a submission port (AUTH refused before it) and TLS from the first byte (smtps://).
The certificate is trusted the way a deployment trusts a private CA: SSL_CERT_FILE."""

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller

from app.messages.channels.base import ConfigurationError
from app.messages.channels.email import EmailChannel
from app.messages.compose import Composed
from tests.messages.conftest import SENDER
from tests.messages.servers import SMTP_PASSWORD, SMTP_USER, MailBox, _authenticate, free_port

MESSAGE = Composed("email", "amina@example.org", "Rappel", "Atelier demain à 18:00.")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return key, cert


def _server_context(certificate) -> ssl.SSLContext:
    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def test_starttls_then_auth(certificate, monkeypatch):
    box, port = MailBox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, tls_context=_server_context(certificate),
                            require_starttls=True, authenticator=_authenticate, auth_require_tls=True)
    controller.start()
    try:
        url = f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}?starttls=1"
        with pytest.raises(ConfigurationError, match="Cannot reach the SMTP server"):
            EmailChannel(url, SENDER).check()  # the certificate is not trusted yet: refused, said
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[1]))
        channel = EmailChannel(url, SENDER)
        channel.check()
        channel.send(MESSAGE, "key-tls-1")
        channel.close()
        plain = EmailChannel(f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}", SENDER)
        with pytest.raises(ConfigurationError):  # without STARTTLS this server refuses to go on
            plain.check()
    finally:
        controller.stop()
    assert [m["Message-ID"] for m in box.messages] == ["<key-tls-1@jiwar.example>"]


def test_smtps_from_the_first_byte(certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[1]))
    box, port = MailBox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, ssl_context=_server_context(certificate),
                            authenticator=_authenticate, auth_require_tls=False)
    controller.start()
    try:
        channel = EmailChannel(f"smtps://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}", SENDER)
        channel.send(MESSAGE, "key-tls-2")
        channel.close()
    finally:
        controller.stop()
    assert [m["Message-ID"] for m in box.messages] == ["<key-tls-2@jiwar.example>"]
