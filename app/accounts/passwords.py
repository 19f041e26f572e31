"""Password hashing with Argon2id, a memory-hard function."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's low-memory profile


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against when the identifier is unknown, so both answers take the same time.
DUMMY_HASH = _hasher.hash("not-a-real-password")


# -- What a new password must be: long enough and not one of the most common ones (no composition
# rules, as NIST SP 800-63B and OWASP ASVS advise).
MIN_LENGTH = 8
MAX_LENGTH = 200  # hashing is memory-hard; refusing novels keeps one request from costing much
_COMMON_FILE = Path(__file__).parent / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, context: tuple[str, ...] = ()) -> str | None:
    """Why this new password is refused (translated), or None. `context` holds the person's own
    identifiers (email, phone, name), refused as passwords too."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    lowered = password.strip().lower()
    if lowered in common_passwords():
        return _("This password is too common and easy to guess. Choose another one.")
    if any(item and lowered == item.strip().lower() for item in context):
        return _("Do not use your name, email address or phone number as your password.")
    return None
