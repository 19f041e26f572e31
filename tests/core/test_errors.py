"""Bad requests and failures get a translated page with a reference, never a trace or SQL."""

import logging

import pytest
from sqlalchemy.exc import OperationalError

from app.main import views as main_views


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/nowhere", headers={"Accept-Language": "ar"})
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)


def test_a_ten_megabyte_field_is_refused_with_a_page_not_a_crash(client):
    response = client.post("/language", data={"language": "fr", "next": "x" * 10_000_000})
    assert response.status_code == 413
    assert "What you sent is too large." in response.get_data(as_text=True)


def test_invalid_utf8_in_a_form_is_answered_not_crashed(client):
    response = client.post(
        "/language", data=b"language=\xff\xfe&next=%FF", content_type="application/x-www-form-urlencoded"
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


def test_the_form_body_cap_holds_before_csrf_reads_the_form():
    """CSRFProtect parses the form in its own before_request: the cap must already be in force."""
    from app import create_app
    from config import TestConfig

    guarded = create_app(type("CSRFConfig", (TestConfig,), {"WTF_CSRF_ENABLED": True}))
    response = guarded.test_client().post("/language", data={"language": "fr", "next": "x" * 10_000_000})
    assert response.status_code == 413
