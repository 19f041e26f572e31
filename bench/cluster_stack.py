"""nginx (Debian's package) in front of gunicorn app servers, each in its own working folder, as
README's "More than one server" runs them: used by `make bench-cluster` (bench/cluster.py) and by
tests/cluster. nginx runs deploy/nginx.conf itself, with only local_changes applied."""

import functools
import http.client
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
UPSTREAM_EXAMPLE = (
    "    server 10.0.0.11:8000 max_fails=1 fail_timeout=10s;\n"
    "    server 10.0.0.12:8000 max_fails=1 fail_timeout=10s;\n"
)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, what: str, seconds: float = 30) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start (exit {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {seconds} s")


class AppServer:
    """One gunicorn, as on one machine: its own working folder (its cwd and JIWAR_UPLOAD_DIR, which must
    stay empty when files go to the shared storage), its own access log, the shared database."""

    def __init__(self, folder: Path, env: dict[str, str], workers: int = 2, app: str = "wsgi:app",
                 config: str | None = None):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = (folder / "gunicorn.log").open("w")
        env = {**os.environ, "JIWAR_UPLOAD_DIR": str(folder / "uploads"), "PYTHONPATH": str(ROOT), **env}
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--chdir", str(folder), "--access-logfile", str(folder / "access.log"),
             "--logger-class", "app.core.access_log.AccessLog", "--preload",
             *(["--config", config] if config else []), app],
            env=env, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True,
        )
        _wait_for(self.port, self.process, f"gunicorn in {folder}")
        # --preload: the app is built once, then forked; the first answer says the workers are up.
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                connection.request("GET", "/en/", headers={"Host": "127.0.0.1"})
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                time.sleep(0.1)

    def kill(self) -> None:
        """The machine is gone: master and workers killed at once, requests in hand lost."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful stop: requests in hand are finished
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def files_written(self) -> list[str]:
        uploads = self.folder / "uploads"
        return [str(path) for path in uploads.rglob("*") if path.is_file()] if uploads.exists() else []


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",  # noqa: S607
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def local_changes(folder: Path, app_ports: list[int], tls_port: int, http_port: int,
                  cert: Path, key: Path) -> list[tuple[str, str]]:
    """What differs from production: addresses, ports, paths, the certificate. Nothing else."""
    upstream = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in app_ports)
    return [
        (UPSTREAM_EXAMPLE, upstream),
        ("/var/cache/nginx/jiwar", str(folder / "cache")),
        ("/var/log/nginx/jiwar-access.log", str(folder / "access.log")),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("    listen [::]:80;\n", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/letsencrypt/live/jiwar.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/jiwar.example.org/privkey.pem", str(key)),
    ]


class Nginx:
    """deploy/nginx.conf in an nginx of its own (`-p` a private prefix, never the system service)."""

    def __init__(self, folder: Path, app_ports: list[int]):
        if not Path(NGINX).exists():
            raise RuntimeError("nginx is not installed: apt-get install nginx-light (make nginx does it)")
        self.folder = folder
        for name in ("cache", "tmp"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        self.port, http_port = free_port(), free_port()
        cert, key = self_signed_certificate(folder)
        site = NGINX_CONF.read_text()
        for old, new in local_changes(folder, app_ports, self.port, http_port, cert, key):
            if old not in site:
                raise RuntimeError(f"deploy/nginx.conf changed: {old.strip()!r} is gone (local_changes)")
            site = site.replace(old, new)
        (folder / "jiwar.conf").write_text(site)
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must write the cache in /tmp
        temp = "".join(f"{name}_temp_path {folder / 'tmp' / name};\n"
                       for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n{temp}include {folder / 'jiwar.conf'};\n}}\n"
        )
        self.process = subprocess.Popen(  # noqa: S603
            [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf"),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(self.port, self.process, "nginx")
        except RuntimeError as error:
            log = folder / "error.log"
            raise RuntimeError(f"{error}: {log.read_text()[-2000:] if log.exists() else ''}") from None

    @functools.cached_property
    def tls(self) -> ssl.SSLContext:
        # One context for every client, as a phone has one: making one per connection loads the
        # system's CA bundle each time, 20-30 ms of the clients' CPU per request on this machine,
        # which starved nginx and the app servers of the cores they share.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # our own certificate of the moment, on 127.0.0.1
        return context

    def connect(self, timeout: float = 30) -> http.client.HTTPSConnection:
        # Each connection still makes its own TLS handshake (no session resumed), as a new visitor does.
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=self.tls)

    def access_log(self, at_least: int = 0, seconds: float = 10) -> list[str]:
        # nginx writes a request's line once it has sent the answer, so a client that has just read
        # an answer may find the line not there yet: wait for the lines the caller knows were sent.
        path = self.folder / "access.log"
        deadline = time.monotonic() + seconds
        while True:
            lines = path.read_text(errors="replace").splitlines() if path.exists() else []
            if len(lines) >= at_least or time.monotonic() > deadline:
                return lines
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the run is over: nginx's fast stop
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def session_cookie(secret_key: str, cookie_name: str, user, csrf_raw: str | None = None) -> str:
    """The signed cookie the app sets after sign-in (Flask's session serializer, app/accounts/session.py's
    clocks), made beforehand so that signing in 1,000 people does not weigh on what is measured."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    signer_app = Flask("jiwar-cookies")
    signer_app.secret_key = secret_key
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer_app)
    now = int(time.time())
    session = {"_user_id": user.get_id(), "_fresh": True, "signed_in_at": now, "seen_at": now,
               **({"csrf_token": csrf_raw} if csrf_raw else {})}
    return f"{cookie_name}={serializer.dumps(session)}"


def csrf_header(secret_key: str, raw: str) -> str:
    """The X-CSRFToken value Flask-WTF expects for the raw token kept in the session."""
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw)


def read_flashes(secret_key: str, cookie_name: str, response: http.client.HTTPResponse) -> list[tuple]:
    from http.cookies import SimpleCookie

    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    signer_app = Flask("jiwar-cookies")
    signer_app.secret_key = secret_key
    reader = SecureCookieSessionInterface().get_signing_serializer(signer_app)
    for header in response.headers.get_all("Set-Cookie") or []:
        morsel = SimpleCookie(header).get(cookie_name)
        if morsel is not None and morsel.value:
            return [tuple(item) for item in reader.loads(morsel.value).get("_flashes", [])]
    return []
