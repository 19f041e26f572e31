"""Every response carries the security headers; personal pages are never cached."""

import re

from tests.conftest import sign_in_as
from tests.factories import make_user


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_in_the_layout(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and " on" + "click=" not in html
    assert re.search(r'<script src="/static/js/htmx-2.0.11.min.js\?v=\w+" defer></script>', html)


def test_pages_seen_signed_in_are_not_stored(client):
    assert client.get("/").headers["Cache-Control"] == "public, max-age=0, s-maxage=10"
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"  # a form's token
    sign_in_as(client, make_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_static_files_are_not_marked_personal(client):
    response = client.get("/static/css/jiwar.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_production_cookies_are_host_only_and_hsts_covers_subdomains(app, another_app):
    """__Host-: Secure, Path=/ and no Domain, or browsers refuse the cookie (ASVS 3.3.1, 3.4.1)."""
    from config import ProductionConfig

    settings = {"SECRET_KEY": "a-long-enough-secret-for-tests", "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                "JIWAR_CHECK_MIGRATIONS": False,  # the test schema comes from the models
                "JIWAR_CANONICAL_URL": "https://jiwar.example"}
    production = another_app(type("Production", (ProductionConfig,), settings))
    client = production.test_client()
    response = client.get("/fr/", base_url="https://jiwar.example")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    client.get("/fr/sign-in", base_url="https://jiwar.example")  # a form: the session holds its token
    cookie = client.get_cookie("__Host-session", domain="jiwar.example")
    assert cookie is not None and cookie.secure and cookie.path == "/" and not cookie.domain.startswith(".")
