"""Short codes that can be read aloud over a noisy doorway: no 0/O, 1/I/L, 5/S or 2/Z look-alikes.

Tickets have six characters ("K7M-4QX"), participant cards eight ("K7MW-4QXA"), so a code typed at
the door is known to be one or the other by its length alone. Here in core because both events (the
door, the desk) and proposals (entered at the desk for a card holder) read them.
"""

import re
import secrets

ALPHABET = "346789ACDEFGHJKMNPQRTUVWXY"
TICKET_LENGTH = 6
CARD_LENGTH = 8
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def _generate(length: int) -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    half = length // 2
    return f"{raw[:half]}-{raw[half:]}"


def new_ticket_code() -> str:
    return _generate(TICKET_LENGTH)


def new_card_code() -> str:
    return _generate(CARD_LENGTH)


def normalise_code(typed: str | None) -> str | None:
    """ "k7m 4qx", "K7M-4QX" and "k7m4qx" are the same code; anything else is not a code."""
    raw = _NOT_CODE.sub("", (typed or "").upper())
    if len(raw) not in (TICKET_LENGTH, CARD_LENGTH) or any(c not in ALPHABET for c in raw):
        return None
    half = len(raw) // 2
    return f"{raw[:half]}-{raw[half:]}"


def is_card_code(code: str) -> bool:
    return len(code.replace("-", "")) == CARD_LENGTH
