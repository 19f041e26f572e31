"""Password hashing with Argon2id, a memory-hard function."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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
