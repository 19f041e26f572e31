"""Fixtures of the accounts tests: CSRF switched on (the rate-limited client is in tests/conftest.py)."""


import pytest


@pytest.fixture
def csrf_on(app):
    """CSRF protection as in production, for the tests that prove it."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False
