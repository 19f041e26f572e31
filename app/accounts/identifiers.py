"""Email addresses and phone numbers as people type them, and as they are stored."""

import re

import phonenumbers

DEFAULT_REGION = "MA"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def normalise_email(raw: str | None) -> str | None:
    """Lower case, no surrounding spaces; None when empty. Raises ValueError when malformed."""
    value = (raw or "").strip().lower()
    if not value:
        return None
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("malformed email")
    return value


def normalise_phone(raw: str | None, region: str | None = DEFAULT_REGION) -> str | None:
    """The number in E.164 ("+212612345678"); None when empty. Raises ValueError when it is not a
    possible number. `region` reads local numbers ("0612 34 56 78" in Morocco)."""
    value = (raw or "").strip()
    if not value:
        return None
    if len(value) > 30:
        raise ValueError("malformed phone")
    try:
        number = phonenumbers.parse(value, region or DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError("malformed phone") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("malformed phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_candidates(raw: str, regions: tuple[str, ...]) -> list[str]:
    """Every valid E.164 reading of what someone typed at sign-in: a local number may belong to any
    of the regions Jiwar serves (Moroccan and Tunisian local formats do not overlap in practice)."""
    found = []
    for region in (*regions, DEFAULT_REGION):
        try:
            number = normalise_phone(raw, region)
        except ValueError:
            continue
        if number and number not in found:
            found.append(number)
    return found


def looks_like_email(raw: str) -> bool:
    return "@" in (raw or "")


def format_phone(e164: str | None) -> str:
    """A stored number in readable international form ("+212 6 12 34 56 78")."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
