"""Password hashing with Argon2id, a memory-hard function."""

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

# Argon2id's cost, by the name config.py gives it (ARGON2_COST): RFC 9106's low-memory profile
# (64 MiB, 3 passes) everywhere but the tests, which hash at argon2-cffi's cheapest (the same function
# and code, 0.1 ms instead of about 150 ms: a test run hashes and verifies some 300 times).
COSTS = {"rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}
_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
_dummy_hash: str | None = None  # made at the current cost when first needed


def use_cost(name: str) -> None:
    """Hash new passwords at this cost (called by create_app). A hash names its own parameters, so
    passwords hashed at another cost still verify."""
    global _hasher, _dummy_hash
    _hasher, _dummy_hash = PasswordHasher.from_parameters(COSTS[name]), None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_hash() -> str:
    """Verified against when the identifier is unknown, so both answers take the same time: hashed
    at the current cost, once."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not-a-real-password")
    return _dummy_hash


# -- What a new password must be: long enough and not one of the most common ones (no composition
# rules, as NIST SP 800-63B and OWASP ASVS advise).
MIN_LENGTH = 8
MAX_LENGTH = 200  # hashing is memory-hard; refusing novels keeps one request from costing much
_DATA = Path(__file__).parent / "data"  # where each list comes from: data/README.md


@cache
def common_passwords() -> frozenset[str]:
    """Django's list of 19,640 (ASVS 6.2.4 asks for at least 3,000) and Jiwar's own French and
    regional additions; read once, on the first password checked."""
    with gzip.open(_DATA / "common-passwords.txt.gz", "rt", encoding="utf-8") as django_list:
        lines = django_list.read().splitlines()
    lines += (_DATA / "common_passwords.txt").read_text(encoding="utf-8").splitlines()
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
