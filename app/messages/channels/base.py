"""The one small interface every channel speaks, and the three ways a send can end badly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.messages.compose import Composed


class ConfigurationError(RuntimeError):
    """The channel's settings are wrong (scheme, credentials, host): said at start-up, never at a send."""


class TemporaryFailure(Exception):
    """Worth another try later: the gateway is down, slow, busy, or refused the credentials (they can
    be fixed without losing the message)."""


class PermanentFailure(Exception):
    """Another try would fail the same way: the address is invalid, the gateway refused the message."""


@dataclass(frozen=True)
class Sent:
    provider_message_id: str | None = None


class Channel(Protocol):
    name: str

    def check(self) -> None:
        """Reach the server and prove the credentials; raise ConfigurationError with a clear message."""

    def send(self, composed: Composed, idempotency_key: str) -> Sent:
        """Hand one message to the server; raise TemporaryFailure or PermanentFailure."""

    def close(self) -> None:
        """Let go of any connection kept between messages."""


def short(reason: object, limit: int = 480) -> str:
    text = " ".join(str(reason).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
