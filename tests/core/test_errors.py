"""Bad requests and failures get a translated page with a reference, never a trace or SQL."""

import logging
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.accounts.models import User
from app.extensions import db
from app.main import views as main_views


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/ar/nowhere")
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)


def test_a_ten_megabyte_field_is_refused_with_a_page_not_a_crash(client):
    response = client.post("/sign-in", data={"identifier": "fr", "next": "x" * 10_000_000})
    assert response.status_code == 413
    assert "What you sent is too large." in response.get_data(as_text=True)


def test_invalid_utf8_in_a_form_is_answered_not_crashed(client):
    response = client.post(
        "/sign-in", data=b"identifier=\xff\xfe&next=%FF", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)


def test_invalid_utf8_in_the_path_is_a_404(client):
    assert client.get("/events/%FF%FE").status_code == 404


@pytest.fixture
def failing_home(app, monkeypatch):
    """The home page raises a database error carrying a value a person typed."""

    def broken():
        raise OperationalError("SELECT * FROM participant WHERE phone = '+212600000000'", {}, None)

    monkeypatch.setitem(app.view_functions, "main.home", broken)
    monkeypatch.setitem(app.config, "JIWAR_CATCH_ERRORS_IN_TESTS", True)
    assert main_views  # the real view is restored after the test


def test_a_database_error_shows_a_reference_and_logs_no_values(client, failing_home, caplog):
    with caplog.at_level(logging.ERROR, logger="jiwar.errors"):
        response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "An unexpected error happened." in page
    assert "SELECT" not in page and "+212600000000" not in page
    reference = page.split("Reference: ")[1][:8]
    assert reference in caplog.text
    assert "+212600000000" not in caplog.text and "SELECT" not in caplog.text


def test_the_form_body_cap_holds_before_csrf_reads_the_form(another_app):
    """CSRFProtect parses the form in its own before_request: the cap must already be in force."""
    from config import TestConfig

    guarded = another_app(type("CSRFConfig", (TestConfig,), {"WTF_CSRF_ENABLED": True}))
    response = guarded.test_client().post("/fr/sign-in", data={"identifier": "fr", "next": "x" * 10_000_000})
    assert response.status_code == 413


SIGN_UP = [("display_name", "Fatou"), ("email", "fatou@example.org"), ("phone", ""), ("municipality", ""),
           ("password", "sunny afternoon in oujda"), ("confirm", "sunny afternoon in oujda")]


def _urlencoded(name: bytes) -> bytes:
    return b"&".join(
        (key.encode() + b"=" + (name if key == "display_name" else quote(value).encode()))
        for key, value in SIGN_UP
    )


def _multipart(name: bytes) -> bytes:
    parts = [
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="' + key.encode() + b'"\r\n\r\n'
        + (name if key == "display_name" else value.encode()) + b"\r\n"
        for key, value in SIGN_UP
    ]
    return b"".join(parts) + b"--BOUNDARY--\r\n"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (_urlencoded(b"Fatou%FF%FE"), "application/x-www-form-urlencoded"),  # escaped bytes
        (_urlencoded(b"Fatou\xc3"), "application/x-www-form-urlencoded"),  # raw bytes, cut in half
        (_multipart(b"Fatou\xff\xfe"), "multipart/form-data; boundary=BOUNDARY"),
    ],
    ids=["urlencoded-escaped", "urlencoded-raw", "multipart"],
)
def test_a_form_that_is_not_utf8_gets_a_400_page_and_writes_nothing(client, body, content_type):
    headers = {"Accept-Language": "fr"}
    response = client.post("/sign-up", data=body, content_type=content_type, headers=headers)
    assert response.status_code == 400
    assert "La demande n'a pas pu être comprise." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


@pytest.mark.parametrize("make_body", [_urlencoded, _multipart], ids=["urlencoded", "multipart"])
def test_the_same_form_in_utf8_is_taken(client, make_body):
    """The control: the same bodies with a valid name (Arabic, so not only ASCII) create the account."""
    content_type = "multipart/form-data; boundary=BOUNDARY" if make_body is _multipart else None
    name = "فاطمة".encode()
    body = make_body(quote(name).encode() if content_type is None else name)
    response = client.post(
        "/sign-up", data=body, content_type=content_type or "application/x-www-form-urlencoded"
    )
    assert response.status_code == 303
    assert db.session.scalar(sa.select(User.display_name)) == "فاطمة"
