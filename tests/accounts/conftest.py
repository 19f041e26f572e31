"""Fixtures of the accounts tests: an app with rate limits on, CSRF switched on, a query counter."""


import pytest

from app import create_app
from app.extensions import db, limiter
from config import TestConfig
from tests.conftest import IsolatedClient


class RateLimitedConfig(TestConfig):
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    JIWAR_SIGN_IN_LIMIT_PER_ACCOUNT = "3 per minute;5 per hour"
    JIWAR_SIGN_IN_LIMIT_PER_CLIENT = "6 per minute"
    JIWAR_SIGN_UP_LIMIT_PER_CLIENT = "3 per hour"
    JIWAR_RESET_LIMIT_PER_CLIENT = "3 per minute"


@pytest.fixture
def limited_client(app):
    """A client of a second app, on the same database, whose rate limits are on (fresh counters)."""
    limited_app = create_app(RateLimitedConfig)
    limited_app.test_client_class = IsolatedClient
    client = limited_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with limited_app.app_context():
        pass
    yield client
    with limited_app.app_context():
        db.session.remove()
        db.engine.dispose()
    # The limiter object is shared: switch it off again for every other test's app.
    limiter.enabled = False


@pytest.fixture
def csrf_on(app):
    """CSRF protection as in production, for the tests that prove it."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False
