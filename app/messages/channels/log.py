"""The development default: every message is written to the log instead of being sent."""

import logging

from app.messages.channels.base import Sent

log = logging.getLogger("jiwar.messages")


class LogChannel:
    name = "log"

    def check(self) -> None:
        pass

    def send(self, composed, idempotency_key: str) -> Sent:
        log.info("message (log channel) to=%s subject=%r text=%r", composed.address, composed.subject,
                 composed.text)
        return Sent(None)

    def close(self) -> None:
        pass
