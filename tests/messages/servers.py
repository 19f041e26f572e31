"""Real protocol servers for the channels' tests and the benchmark: an SMTP server (aiosmtpd) with
AUTH, and one HTTP server speaking SMS Gateway for Android's and Twilio's APIs, in threads on
127.0.0.1. Each counts what it received, so a test can say how many times a message arrived."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import uuid
from collections import Counter
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER, SMTP_PASSWORD = "jiwar", "mail-secret"
GATEWAY_USER, GATEWAY_PASSWORD = "sms", "phone-secret"
TWILIO_SID, TWILIO_TOKEN = "AC" + "0" * 32, "twilio-auth-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailBox:
    """aiosmtpd handler: keeps every message; refuses recipients at refused.example (550)."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter:
        with self.lock:
            return Counter(message["Message-ID"] for message in self.messages)


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode() \
        and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok)


class SmtpServer:
    def __init__(self):
        self.box = MailBox()
        self.port = free_port()
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port,
                                     authenticator=_authenticate, auth_require_tls=False)

    @property
    def url(self) -> str:
        return f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{self.port}"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class SmsStandIn(ThreadingHTTPServer):
    """Speaks both SMS APIs. `fail_next` answers that many sends with 503; `hang_next` waits that many
    seconds before answering the next send (a timeout, or a worker killed while it waits);
    `on_send` is called with each send's key before answering."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[dict] = []  # every send received, answered or not
        self.accepted: dict[str, dict] = {}  # android: id -> message; twilio: sid -> message
        self.fail_next = 0
        self.hang_next = 0.0
        self.hang_send: tuple[int, float] | None = None  # (the nth send, seconds): hang that one
        self.slow_sends = 0.0  # seconds every send waits (a slow gateway)
        self.arrived = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def gateway_url(self, user=GATEWAY_USER, password=GATEWAY_PASSWORD) -> str:
        return f"smsgateway+http://{user}:{password}@127.0.0.1:{self.port}"

    def twilio_url(self, sid=TWILIO_SID, token=TWILIO_TOKEN, sender="%2B15005550006") -> str:
        return f"twilio+http://{sid}:{token}@127.0.0.1:{self.port}?from={sender}"

    def sends(self) -> Counter:
        with self.lock:
            return Counter(request["key"] for request in self.requests)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: SmsStandIn

    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: dict | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _basic(self) -> tuple[str, str] | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user, password

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/health":
            if self._basic() != (GATEWAY_USER, GATEWAY_PASSWORD):
                return self._answer(401, {"message": "Unauthorized"})
            return self._answer(200, {"status": "pass"})
        if path == f"/2010-04-01/Accounts/{TWILIO_SID}.json":
            if self._basic() != (TWILIO_SID, TWILIO_TOKEN):
                return self._answer(401, _twilio_error(20003, "Authenticate", 401))
            return self._answer(200, {"sid": TWILIO_SID, "status": "active"})
        return self._answer(404, {"message": "not found"})

    def do_POST(self):  # noqa: N802
        path = urlsplit(self.path).path
        body = self._body()
        if path == "/message":
            return self._android(body)
        if path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
            return self._twilio(body)
        return self._answer(404, {"message": "not found"})

    def _wait_or_fail(self, key: str) -> bool:
        server = self.server
        with server.lock:
            server.requests.append({"key": key, "at": time.monotonic()})
            hang, server.hang_next = server.hang_next, 0.0
            if server.hang_send and server.hang_send[0] == len(server.requests):
                hang = server.hang_send[1]
            hang = hang or server.slow_sends
            fail = server.fail_next > 0
            server.fail_next -= 1 if fail else 0
        server.arrived.set()
        if hang:
            time.sleep(hang)
        return fail

    def _android(self, body: bytes):
        if self._basic() != (GATEWAY_USER, GATEWAY_PASSWORD):
            return self._answer(401, {"message": "Unauthorized"})
        try:
            message = json.loads(body)
            phones, text = message["phoneNumbers"], message["textMessage"]["text"]
        except (ValueError, KeyError, TypeError):
            return self._answer(400, {"message": "invalid request body"})
        key = message.get("id") or uuid.uuid4().hex
        if self._wait_or_fail(key):
            return self._answer(503, {"message": "device is not reachable"})
        if not all(_valid(phone) for phone in phones):  # the app checks numbers unless told not to
            return self._answer(400, {"message": f"invalid phone number: {phones[0]}"})
        with self.server.lock:
            if key in self.server.accepted:
                return self._answer(409, {"message": f"message with ID {key} already exists"})
            self.server.accepted[key] = {"phoneNumbers": phones, "text": text}
        return self._answer(202, {"id": key, "state": "Pending", "isHashed": False, "isEncrypted": False,
                                  "recipients": [{"phoneNumber": p, "state": "Pending"} for p in phones]})

    def _twilio(self, body: bytes):
        if self._basic() != (TWILIO_SID, TWILIO_TOKEN):
            return self._answer(401, _twilio_error(20003, "Authenticate", 401))
        form = {key: values[-1] for key, values in parse_qs(body.decode()).items()}
        sid = "SM" + uuid.uuid4().hex
        if self._wait_or_fail(form.get("Body", "")):
            return self._answer(503, _twilio_error(20503, "Service unavailable", 503))
        to = form.get("To", "")
        if not _valid(to):
            refusal = f"The 'To' number {to} is not a valid phone number."
            return self._answer(400, _twilio_error(21211, refusal, 400))
        with self.server.lock:
            self.server.accepted[sid] = form
        return self._answer(201, {"sid": sid, "status": "queued", "to": to, "from": form.get("From"),
                                  "body": form.get("Body"), "account_sid": TWILIO_SID})


def _valid(phone: str) -> bool:
    return phone.startswith("+") and phone[1:].isdigit() and 8 <= len(phone) <= 16


def _twilio_error(code: int, message: str, status: int) -> dict:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}
