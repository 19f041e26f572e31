"""`flask jiwar worker`: drains the outbox.

Each round claims a few due messages in one statement: queued rows whose `due_at` (and retry time) has
come, and rows another worker claimed but whose lease ran out (it died). On PostgreSQL the claim reads
with `FOR UPDATE SKIP LOCKED`, so several workers, on one machine or several, never take the same row;
on SQLite the claiming UPDATE runs under the database's single write lock, which gives the same
guarantee. Once half its lease has gone the worker renews it on the rest of its batch (and leaves a row
that is no longer its own); after each send it records the outcome, guarded by its claim. A worker
killed between a send and its record leaves that row claimed: when the lease runs out another worker
sends it again, with the same idempotency key. Nothing claimed is lost, and only the message in
flight repeats.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app, url_for

from app.core.models import DeliveryStatus, OutboxMessage
from app.core.time import utcnow
from app.extensions import db
from app.messages.channels import Channels, build_channels
from app.messages.channels.base import PermanentFailure, TemporaryFailure, short

log = logging.getLogger("jiwar.messages")


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff_seconds(attempts: int, base: int, cap: int) -> float:
    """Exponential: base, 2 base, 4 base... capped, with a little jitter so retries do not bunch up."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.9, 1.1)


def status_callbacks(app: Flask) -> dict[str, str]:
    """The receipt webhook addresses gateways are told (absolute, on the canonical host)."""
    with app.test_request_context(base_url=app.config["JIWAR_CANONICAL_URL"]):
        return {"twilio": url_for("message_receipts.twilio_receipt", _external=True)}


class Worker:
    def __init__(self, app: Flask, channels: Channels | None = None, name: str | None = None):
        self.app = app
        self.name = name or worker_name()
        if channels is None:
            channels = build_channels(app.config, status_callbacks(app))
        self.channels = channels
        config = app.config
        self.batch = config["JIWAR_WORKER_BATCH"]
        self.lease = timedelta(seconds=config["JIWAR_MESSAGE_LEASE_SECONDS"])
        self.max_attempts = config["JIWAR_MESSAGE_MAX_ATTEMPTS"]
        self.retry_base = config["JIWAR_MESSAGE_RETRY_SECONDS"]
        self.retry_cap = config["JIWAR_MESSAGE_RETRY_CAP_SECONDS"]
        self.reminder_pass = config["JIWAR_REMINDER_PASS_SECONDS"]
        self.held_until = 0.0  # monotonic time until which our claims' lease holds

    # -- claiming -------------------------------------------------------------------------------------
    def claim(self, limit: int | None = None) -> list[int]:
        now = utcnow()
        due = sa.or_(
            sa.and_(
                OutboxMessage.status == DeliveryStatus.QUEUED,
                OutboxMessage.due_at <= now,
                sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            ),
            sa.and_(OutboxMessage.status == DeliveryStatus.SENDING, OutboxMessage.claimed_until < now),
        )
        candidates = (
            sa.select(OutboxMessage.id)
            .where(due)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit or self.batch)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's write lock serialises the UPDATE
        )
        claimed = db.session.scalars(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
            .values(status=DeliveryStatus.SENDING, claimed_by=self.name, claimed_until=now + self.lease,
                    attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).all()
        db.session.commit()
        self.held_until = time.monotonic() + self.lease.total_seconds()
        return sorted(claimed)

    def _mine(self, *message_ids: int):
        return sa.and_(OutboxMessage.id.in_(message_ids), OutboxMessage.claimed_by == self.name,
                       OutboxMessage.status == DeliveryStatus.SENDING)

    def _renew(self, message_ids: list[int]) -> list[int]:
        """Extend the lease on the rows still ours; returns them (a row taken over is left alone)."""
        renewed = db.session.scalars(
            sa.update(OutboxMessage).where(self._mine(*message_ids))
            .values(claimed_until=utcnow() + self.lease)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).all()
        db.session.commit()
        self.held_until = time.monotonic() + self.lease.total_seconds()
        return sorted(renewed)

    def _record(self, message_id: int, **values) -> None:
        db.session.execute(
            sa.update(OutboxMessage).where(self._mine(message_id))
            .values(claimed_by=None, claimed_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()

    # -- sending ----------------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Claim one batch and handle it; returns how many messages were claimed."""
        claimed = self.claim()
        self.process(claimed)
        return len(claimed)

    def process(self, message_ids: list[int]) -> None:
        """Send the claimed messages one by one. Once half the lease has gone (slow gateways), the
        lease is renewed on the rest in one statement before the next send; a row another worker took
        over meanwhile (this one was stalled past its lease) is left to it."""
        pending = list(message_ids)
        while pending:
            if time.monotonic() > self.held_until - self.lease.total_seconds() / 2:
                pending = self._renew(pending)
                if not pending:
                    return
            self.handle(pending.pop(0))

    def drain(self) -> int:
        """Run rounds until nothing is due (tests, benchmarks, `--once`)."""
        total = 0
        while handled := self.run_once():
            total += handled
        return total

    def handle(self, message_id: int) -> None:
        from app.messages.compose import compose

        message = db.session.get(OutboxMessage, message_id)
        attempts, key = message.attempts, message.idempotency_key
        try:
            with self.app.test_request_context(base_url=self.app.config["JIWAR_CANONICAL_URL"]):
                composed = compose(message)
        except Exception as error:  # noqa: BLE001 - a message that cannot be worded must not stop the others
            log.exception("message %s could not be composed", message_id)
            db.session.rollback()
            self._record(message_id, status=DeliveryStatus.FAILED,
                         failure_reason=short(f"could not be composed: {error!r}"))
            return
        db.session.commit()  # keep what composing wrote (a link's token); nothing held open during the send
        if composed is None:
            self._record(message_id, status=DeliveryStatus.DROPPED,
                         failure_reason="nothing to send: no channel, or the person opted out")
            return
        channel = self.channels.for_name(composed.channel)
        where = {"channel": channel.name, "address": composed.address[:254]}
        try:
            sent = channel.send(composed, key)
        except PermanentFailure as error:
            self._record(message_id, status=DeliveryStatus.FAILED, failure_reason=short(error), **where)
            log.warning("message %s failed for good: %s", message_id, error)
            return
        except TemporaryFailure as error:
            if attempts >= self.max_attempts:
                self._record(message_id, status=DeliveryStatus.FAILED,
                             failure_reason=short(f"after {attempts} attempts: {error}"), **where)
                log.warning("message %s failed after %s attempts: %s", message_id, attempts, error)
            else:
                delay = backoff_seconds(attempts, self.retry_base, self.retry_cap)
                self._record(message_id, status=DeliveryStatus.QUEUED, failure_reason=short(error),
                             next_attempt_at=utcnow() + timedelta(seconds=delay), **where)
                log.info("message %s will be tried again in %.0f s: %s", message_id, delay, error)
            return
        self._record(message_id, status=DeliveryStatus.SENT, sent_at=utcnow(), failure_reason=None,
                     provider_message_id=sent.provider_message_id, **where)

    def queue_reminders(self) -> int:
        """Queue the reminders due now (app/messages/reminders.py); the loop runs it about once a
        minute, so no separate scheduler is needed (`flask jiwar reminders` runs one pass by hand)."""
        from app.messages.reminders import queue_due_reminders

        queued = queue_due_reminders(utcnow())
        if queued:
            log.info("worker %s queued %s reminders", self.name, queued)
        return queued

    def run_forever(self, stop: threading.Event, idle_seconds: float) -> None:
        log.info("worker %s started", self.name)
        try:
            reminders_due = 0.0  # monotonic time of the next reminder pass
            while not stop.is_set():
                try:
                    if time.monotonic() >= reminders_due:
                        self.queue_reminders()
                        reminders_due = time.monotonic() + self.reminder_pass
                    handled = self.run_once()
                except sa.exc.OperationalError as error:  # the database restarting: wait, then go on
                    db.session.rollback()
                    log.warning("worker %s: database unavailable (%s)", self.name, short(error, 200))
                    handled = 0
                if not handled:
                    stop.wait(idle_seconds)
        finally:
            self.channels.close()
            log.info("worker %s stopped", self.name)


def run_once(app: Flask | None = None) -> int:
    """One round with the configured channels (a convenience for tests and scripts)."""
    worker = Worker(app or current_app._get_current_object())
    try:
        return worker.run_once()
    finally:
        worker.channels.close()
