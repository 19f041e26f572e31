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
    assert client.get("/").headers["Cache-Control"] == "private, no-cache"
    sign_in_as(client, make_user())
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_static_files_are_not_marked_personal(client):
    response = client.get("/static/css/jiwar.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
