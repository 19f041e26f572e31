"""Settings read from the environment. Pick one with JIWAR_CONFIG (development, testing, production)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105 - refused in production, see ProductionConfig


def database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and drive them with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'jiwar.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}  # idle connections are pinged (app/core/database.py)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    ARGON2_COST = "rfc9106-low-memory"  # app/accounts/passwords.py; never from the environment
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("fr", "ar", "en")
    # Room for a photo far over its 5 MB limit, so the form can say so and keep what was typed.
    # Files are spooled to disk; text fields stay capped (MAX_FORM_MEMORY_SIZE, app/core/security.py).
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    # Strict-Transport-Security (production) covers subdomains too (ASVS 3.4.1); a deployment with a
    # subdomain still on plain HTTP sets JIWAR_HSTS_SUBDOMAINS=0.
    JIWAR_HSTS_SUBDOMAINS = os.environ.get("JIWAR_HSTS_SUBDOMAINS", "1") != "0"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Jiwar's own settings
    JIWAR_DISCLOSURE_THRESHOLD = int(os.environ.get("JIWAR_DISCLOSURE_THRESHOLD", "5"))
    JIWAR_CANONICAL_URL = os.environ.get("JIWAR_CANONICAL_URL", "http://127.0.0.1:5000")
    # Host names served besides the canonical URL's (TRUSTED_HOSTS is built from both in create_app):
    # any other Host header is a 400, so no page or link is built from a host someone else chose.
    JIWAR_TRUSTED_HOSTS = [
        host.strip() for host in os.environ.get("JIWAR_TRUSTED_HOSTS", "").split(",") if host.strip()
    ]
    # How long a reverse proxy may keep a public page (app/core/http_cache.py); browsers ask again.
    JIWAR_PUBLIC_CACHE_SECONDS = int(os.environ.get("JIWAR_PUBLIC_CACHE_SECONDS", "10"))
    # How many public pages each process keeps while their data is unchanged (app/core/page_cache.py);
    # 0 keeps none.
    JIWAR_PAGE_CACHE_ENTRIES = int(os.environ.get("JIWAR_PAGE_CACHE_ENTRIES", "512"))
    JIWAR_UPLOAD_DIR = os.environ.get("JIWAR_UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    # Files every app server shares (app/core/storage.py): s3://bucket?endpoint=...; none: the folder.
    JIWAR_STORAGE_URL = os.environ.get("JIWAR_STORAGE_URL", "")
    JIWAR_RESET_LINK_HOURS = int(os.environ.get("JIWAR_RESET_LINK_HOURS", "48"))
    # Messages: the time zone of people whose municipality is unknown, quiet hours (local time: nothing
    # but codes and password links goes out from the first hour to the second), an unconfirmed
    # account's life, and how many messages an event's organisers may send its people a day.
    JIWAR_MESSAGES_TIMEZONE = os.environ.get("JIWAR_MESSAGES_TIMEZONE", "Africa/Casablanca")
    JIWAR_QUIET_HOURS = tuple(int(hour) for hour in os.environ.get("JIWAR_QUIET_HOURS", "21-8").split("-"))
    JIWAR_UNCONFIRMED_HOURS = int(os.environ.get("JIWAR_UNCONFIRMED_HOURS", "48"))
    JIWAR_ORGANISER_MESSAGES_PER_DAY = int(os.environ.get("JIWAR_ORGANISER_MESSAGES_PER_DAY", "3"))
    JIWAR_PAGE_SIZE = 20
    # The door accepts check-ins, undos and walk-ins from this many hours before a session starts
    # (and ever after: late corrections from paper sheets).
    JIWAR_CHECK_IN_OPENS_HOURS = int(os.environ.get("JIWAR_CHECK_IN_OPENS_HOURS", "2"))
    # How many reverse proxies in front of the app may set X-Forwarded-For (0: none, trust nothing).
    JIWAR_TRUSTED_PROXIES = int(os.environ.get("JIWAR_TRUSTED_PROXIES", "0"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    JIWAR_CHECK_MIGRATIONS = True
    # Compression: brotli when the browser accepts it, gzip otherwise; tiny bodies are not worth it.
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
                          "text/csv", "image/svg+xml", "text/calendar"]
    COMPRESS_MIN_SIZE = 500
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # Sessions end after this long without a request, and this long after sign-in whatever happens.
    JIWAR_SESSION_IDLE_MINUTES = int(os.environ.get("JIWAR_SESSION_IDLE_MINUTES", "120"))
    JIWAR_SESSION_ABSOLUTE_HOURS = int(os.environ.get("JIWAR_SESSION_ABSOLUTE_HOURS", "12"))
    # Failed sign-ins: the short window slows guessing down, the long one refuses it.
    JIWAR_SIGN_IN_LIMIT_PER_ACCOUNT = os.environ.get(
        "JIWAR_SIGN_IN_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour"
    )
    JIWAR_SIGN_IN_LIMIT_PER_CLIENT = os.environ.get(
        "JIWAR_SIGN_IN_LIMIT_PER_CLIENT", "30 per minute;200 per hour"
    )
    JIWAR_SIGN_UP_LIMIT_PER_CLIENT = os.environ.get("JIWAR_SIGN_UP_LIMIT_PER_CLIENT", "30 per hour")
    # Guessing reset links, and asking for reset messages.
    JIWAR_RESET_LIMIT_PER_CLIENT = os.environ.get("JIWAR_RESET_LIMIT_PER_CLIENT", "10 per minute;50 per hour")
    # What one account may create (app/core/rate_limits.py): generous for real use, a wall for a
    # script. Only what was created counts, not forms sent back with an error.
    JIWAR_COMMENT_LIMIT_PER_ACCOUNT = os.environ.get(
        "JIWAR_COMMENT_LIMIT_PER_ACCOUNT", "20 per hour;100 per day"
    )
    JIWAR_REPORT_LIMIT_PER_ACCOUNT = os.environ.get(
        "JIWAR_REPORT_LIMIT_PER_ACCOUNT", "20 per hour;100 per day"
    )
    # A directory entry not verified for this many days is marked stale on every page that shows it.
    JIWAR_DIRECTORY_STALE_DAYS = int(os.environ.get("JIWAR_DIRECTORY_STALE_DAYS", "90"))
    JIWAR_PROPOSAL_LIMIT_PER_ACCOUNT = os.environ.get(
        "JIWAR_PROPOSAL_LIMIT_PER_ACCOUNT", "10 per hour;30 per day"
    )
    # Organisers at the desk: participant cards and proposals entered for someone, together.
    JIWAR_DESK_LIMIT_PER_ACCOUNT = os.environ.get(
        "JIWAR_DESK_LIMIT_PER_ACCOUNT", "200 per hour;1000 per day"
    )
    # Card holders' contact details (their shared phone) are erased this many days after their last
    # activity: `flask jiwar apply-retention`, run daily (README, "Running in production").
    JIWAR_CARD_HOLDER_RETENTION_DAYS = int(os.environ.get("JIWAR_CARD_HOLDER_RETENTION_DAYS", "730"))
    # The door keeps the id of each entry a phone sent (so that a queue sent twice records nothing
    # twice) until this many days after the event's last session ended. A phone keeps what it recorded
    # offline until it reaches the server with its organiser signed in (every 10 seconds while the
    # door page is open, at the next opening, before signing out): a month covers a phone left
    # offline after an outdoor day and brought back at the next monthly event. Later, the door's sync
    # refuses the entries rather than risk counting them twice. The ids name nobody
    # (app/privacy/retention.py).
    JIWAR_DOOR_RECEIPT_DAYS = int(os.environ.get("JIWAR_DOOR_RECEIPT_DAYS", "30"))
    # Wrong answers to the desk's presence check before a password link (guesses, like sign-in's).
    JIWAR_DESK_CHECK_LIMIT_PER_ACCOUNT = os.environ.get(
        "JIWAR_DESK_CHECK_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour"
    )

    # Messages (README, "Messages"): email when JIWAR_MAIL_URL is set, SMS when JIWAR_SMS_URL is, the
    # log otherwise. `flask jiwar worker` sends them.
    JIWAR_MAIL_URL = os.environ.get("JIWAR_MAIL_URL", "")
    JIWAR_MAIL_FROM = os.environ.get("JIWAR_MAIL_FROM", "")
    JIWAR_SMS_URL = os.environ.get("JIWAR_SMS_URL", "")
    # SMS Gateway for Android signs its webhooks with this key (Settings > Webhooks > Signing key).
    JIWAR_SMS_WEBHOOK_KEY = os.environ.get("JIWAR_SMS_WEBHOOK_KEY", "")
    JIWAR_WORKER_BATCH = int(os.environ.get("JIWAR_WORKER_BATCH", "20"))
    JIWAR_WORKER_IDLE_SECONDS = float(os.environ.get("JIWAR_WORKER_IDLE_SECONDS", "2"))
    # How often a running worker looks for reminders to queue (the day before at 18:00, 2 hours before).
    JIWAR_REMINDER_PASS_SECONDS = float(os.environ.get("JIWAR_REMINDER_PASS_SECONDS", "60"))
    # A claimed message whose worker says nothing for this long is taken over by another worker.
    JIWAR_MESSAGE_LEASE_SECONDS = int(os.environ.get("JIWAR_MESSAGE_LEASE_SECONDS", "120"))
    # Retries: 30 s, 1 min, 2 min... at most an hour apart; failed for good after 8 attempts (~3 h).
    JIWAR_MESSAGE_MAX_ATTEMPTS = int(os.environ.get("JIWAR_MESSAGE_MAX_ATTEMPTS", "8"))
    JIWAR_MESSAGE_RETRY_SECONDS = int(os.environ.get("JIWAR_MESSAGE_RETRY_SECONDS", "30"))
    JIWAR_MESSAGE_RETRY_CAP_SECONDS = int(os.environ.get("JIWAR_MESSAGE_RETRY_CAP_SECONDS", "3600"))


# On one's own machine the site is reached as localhost or 127.0.0.1, whatever the canonical URL says.
LOOPBACK_HOSTS = ["localhost", "127.0.0.1"]


class DevelopmentConfig(Config):
    DEBUG = False
    JIWAR_TRUSTED_HOSTS = [*Config.JIWAR_TRUSTED_HOSTS, *LOOPBACK_HOSTS]


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("JIWAR_TEST_DB", "sqlite:///" + str(BASE_DIR / "instance" / "test.sqlite3"))
    )
    WTF_CSRF_ENABLED = False  # tests that prove CSRF switch it back on
    ARGON2_COST = "cheapest"  # same Argon2id code, a thousandth of the time
    # One folder per database: `make test` runs the SQLite and PostgreSQL suites side by side, and the
    # upload tests compare the folder's files before and after a request.
    JIWAR_UPLOAD_DIR = str(BASE_DIR / "instance" / "test-uploads" / SQLALCHEMY_DATABASE_URI.split(":")[0])
    JIWAR_STORAGE_URL = ""  # tests choose their bucket themselves (tests/s3.py)
    JIWAR_CHECK_MIGRATIONS = False  # the test schema comes from the models
    RATELIMIT_ENABLED = False  # the tests that prove rate limits switch it back on
    # Each test's requests share one uncommitted transaction, which the kept pages' version query (a
    # connection of its own) cannot see: the page cache's tests commit for real and switch it on.
    JIWAR_PAGE_CACHE_ENTRIES = 0
    JIWAR_TRUSTED_HOSTS = [*Config.JIWAR_TRUSTED_HOSTS, *LOOPBACK_HOSTS]  # the test client is "localhost"


class ProductionConfig(Config):
    # gunicorn's sync workers serve one request at a time: each holds one connection, plus a spare
    # for the rare nested use; recycled every half hour so a restarted database is not a surprise.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {
        "pool_size": int(os.environ.get("JIWAR_DB_POOL_SIZE", "2")),
        "max_overflow": 2,
        "pool_recycle": 1800,
    }
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # __Host-: browsers take the cookie only over HTTPS, for this host alone and every path, so a
    # neighbouring subdomain cannot set or overwrite it (ASVS 3.3.1).
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        if cls.SECRET_KEY == DEFAULT_SECRET_KEY or len(cls.SECRET_KEY) < 16:
            raise RuntimeError("Set SECRET_KEY (16+ random characters) before running in production.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestConfig,
    "production": ProductionConfig,
}
