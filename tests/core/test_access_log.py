"""The access log never writes a password link's token, whichever part of the request carries it."""

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from app.core.access_log import AccessLog

TOKEN = "Zk3v9Q_secret-token"


def test_a_password_links_token_is_cut_from_every_logged_field():
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/reset/{TOKEN}?x=1",
        "PATH_INFO": f"/reset/{TOKEN}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://jiwar.example/reset/{TOKEN}",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="303 SEE OTHER", headers=[("Location", "/reset")], sent=0)
    request = SimpleNamespace(headers=[("REFERER", f"https://jiwar.example/reset/{TOKEN}")])
    atoms = AccessLog(Config()).atoms(response, request, environ, timedelta(milliseconds=3))
    logged = repr(atoms)
    assert TOKEN not in logged
    assert atoms["r"] == "GET /reset/[redacted]?x=1 HTTP/1.1" and atoms["U"] == "/reset/[redacted]"
    assert atoms["f"] == "https://jiwar.example/reset/[redacted]"


def test_other_paths_are_logged_as_they_came():
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/events/7", "PATH_INFO": "/events/7",
               "SERVER_PROTOCOL": "HTTP/1.1"}
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = AccessLog(Config()).atoms(response, SimpleNamespace(headers=[]), environ, timedelta(0))
    assert atoms["r"] == "GET /events/7 HTTP/1.1"
