"""The worker: due times, retries with backoff, permanent failures, leases, several workers at once,
and a worker killed mid-batch (a real process, SIGKILL)."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.core.models import DeliveryStatus, OutboxMessage
from app.core.time import utcnow
from app.extensions import db
from app.messages.worker import backoff_seconds
from config import TestConfig
from tests.messages.conftest import drain, phone_person, queue_for, sms_channels, worker
from tests.messages.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def _messages(ids):
    db.session.rollback()  # a fresh snapshot (SQLite keeps the open transaction's), objects expired
    return {m.id: m for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)))}


def test_a_message_waits_for_its_due_time(app, sms_server):
    person = phone_person()
    [later] = queue_for(person)
    db.session.execute(sa.update(OutboxMessage).values(due_at=utcnow() + timedelta(hours=9)))
    db.session.commit()
    assert drain(app, sms_channels(sms_server.gateway_url())) == 0
    assert _messages([later])[later].status == DeliveryStatus.QUEUED and not sms_server.requests


def test_a_gateway_error_is_retried_later_then_recorded_as_failed_with_its_reason(app, sms_server):
    person = phone_person()
    [message_id] = queue_for(person)
    sms_server.fail_next = 99
    for attempt in (1, 2):
        drain(app, sms_channels(sms_server.gateway_url()), max_attempts=3)
        message = _messages([message_id])[message_id]
        assert (message.status, message.attempts) == (DeliveryStatus.QUEUED, attempt)
        assert "503: device is not reachable" in message.failure_reason
        assert message.next_attempt_at > utcnow() + timedelta(seconds=20)  # backed off: not at once
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))  # time passes
        db.session.commit()
    drain(app, sms_channels(sms_server.gateway_url()), max_attempts=3)
    message = _messages([message_id])[message_id]
    assert (message.status, message.attempts) == (DeliveryStatus.FAILED, 3)
    assert message.failure_reason.startswith("after 3 attempts: SMS Gateway for Android answered 503")
    assert len(sms_server.requests) == 3


def test_backoff_doubles_up_to_its_cap():
    delays = [backoff_seconds(attempt, 30, 3600) for attempt in range(1, 10)]
    assert 27 <= delays[0] <= 33 and 54 <= delays[1] <= 66 and 108 <= delays[2] <= 132
    assert max(delays) <= 3600 * 1.1 and delays[-1] >= 3600 * 0.9


def test_a_refused_number_fails_at_once_and_the_others_still_go(app, sms_server):
    bad = phone_person("+2126")  # the gateway refuses it
    good = phone_person("+212612345678")
    [bad_id] = queue_for(bad)
    [good_id] = queue_for(good)
    drain(app, sms_channels(sms_server.gateway_url()))
    messages = _messages([bad_id, good_id])
    assert messages[bad_id].status == DeliveryStatus.FAILED and messages[bad_id].attempts == 1
    assert "400: invalid phone number" in messages[bad_id].failure_reason
    assert messages[good_id].status == DeliveryStatus.SENT


def test_nothing_to_send_is_dropped_with_its_reason(app, sms_server):
    person = phone_person()
    [message_id] = queue_for(person)
    person.participant.erased_at = utcnow()
    db.session.commit()
    drain(app, sms_channels(sms_server.gateway_url()))
    message = _messages([message_id])[message_id]
    assert message.status == DeliveryStatus.DROPPED and "nothing to send" in message.failure_reason
    assert not sms_server.requests


def test_a_claim_whose_lease_ran_out_is_taken_over_and_sent_once_more_with_the_same_key(app, sms_server):
    person = phone_person()
    [message_id] = queue_for(person)
    dead = worker(app, sms_channels(sms_server.gateway_url()))
    assert dead.claim() == [message_id]  # claimed, then the worker died without a word
    assert drain(app, sms_channels(sms_server.gateway_url())) == 0  # its lease still holds
    db.session.execute(sa.update(OutboxMessage).values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert drain(app, sms_channels(sms_server.gateway_url())) == 1
    message = _messages([message_id])[message_id]
    assert (message.status, message.attempts) == (DeliveryStatus.SENT, 2)
    dead.held_until = 0  # the first worker wakes up, its lease long gone: the row is no longer its own
    dead.process([message_id])
    assert sms_server.sends() == {message.idempotency_key: 1}
    dead.channels.close()


@pytest.mark.commits  # the second worker is another thread, with its own connection
def test_a_slow_batch_renews_its_lease_so_no_other_worker_takes_it_over(app, sms_server):
    ids = queue_for(phone_person(), 3)
    slow = worker(app, sms_channels(sms_server.gateway_url()), lease=timedelta(seconds=2))
    sms_server.slow_sends = 1.2  # each send takes over half the lease
    claimed = slow.claim()

    def send():
        with app.app_context():
            slow.process(claimed)
            db.session.remove()

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(2.5)  # past the lease first taken; the third send is still waiting for its answer
    other = worker(app, sms_channels(sms_server.gateway_url()))
    assert other.claim() == []  # the lease was renewed on it: nothing to take over
    assert _messages(ids)[ids[2]].status == DeliveryStatus.SENDING  # still in hand
    thread.join(timeout=30)
    slow.channels.close()
    other.channels.close()
    assert {m.status for m in _messages(ids).values()} == {DeliveryStatus.SENT}
    assert set(sms_server.sends().values()) == {1}


@pytest.mark.commits  # the worker is a process of its own
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_message_in_flight(app, sms_server):
    person = phone_person()
    ids = queue_for(person, 12)
    keys = {m.idempotency_key for m in _messages(ids).values()}
    sms_server.hang_send = (6, 30)  # the sixth send waits at the gateway: the worker is killed then
    environment = {**os.environ, "JIWAR_CONFIG": "testing", "FLASK_APP": "wsgi.py",
                   "JIWAR_SMS_URL": sms_server.gateway_url(), "JIWAR_MESSAGE_LEASE_SECONDS": "3",
                   "JIWAR_WORKER_BATCH": "12", "JIWAR_WORKER_IDLE_SECONDS": "0.2"}
    original = sms_server.requests
    db.session.remove()
    process = subprocess.Popen([sys.executable, "-m", "flask", "jiwar", "worker"], cwd=ROOT, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(original) < 6 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(original) >= 6, "the worker never reached the sixth message"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    in_flight = original[5]["key"]
    assert drain(app, sms_channels(sms_server.gateway_url())) == 0  # its claims still hold a while
    time.sleep(3.2)  # the lease runs out
    sms_server.hang_send = None
    drain(app, sms_channels(sms_server.gateway_url()))

    messages = _messages(ids)
    assert {m.status for m in messages.values()} == {DeliveryStatus.SENT}  # nothing lost
    sends = sms_server.sends()
    assert set(sends) == keys
    assert {key for key, count in sends.items() if count > 1} <= {in_flight}  # only the one in flight
    assert sends[in_flight] == 2
    assert set(sms_server.accepted) == keys  # and the phone sent each message once (same key: 409)


def test_bad_settings_stop_the_start_with_a_clear_message():
    class BadMail(TestConfig):
        JIWAR_MAIL_URL = "mailto://admin@example.org"

    with pytest.raises(RuntimeError, match="Messages are misconfigured: JIWAR_MAIL_URL must start with smtp://"):
        create_app(BadMail)

    class NoCredentials(TestConfig):
        JIWAR_SMS_URL = "smsgateway+http://192.168.1.20:8080"

    with pytest.raises(RuntimeError, match="no user and password"):
        create_app(NoCredentials)


def test_the_worker_command_says_an_unreachable_gateway_before_sending(app, monkeypatch):
    monkeypatch.setitem(app.config, "JIWAR_SMS_URL", f"smsgateway+http://sms:pw@127.0.0.1:{free_port()}")
    result = app.test_cli_runner().invoke(args=["jiwar", "worker", "--once"])
    assert result.exit_code == 1
    assert "Cannot reach the SMS Gateway for Android named by JIWAR_SMS_URL" in result.output


def test_the_worker_command_sends_what_is_due(app, monkeypatch, sms_server):
    [message_id] = queue_for(phone_person())
    monkeypatch.setitem(app.config, "JIWAR_SMS_URL", sms_server.gateway_url())
    result = app.test_cli_runner().invoke(args=["jiwar", "worker", "--once"])
    assert result.exit_code == 0 and "1 messages handled." in result.output
    assert _messages([message_id])[message_id].status == DeliveryStatus.SENT


@pytest.mark.postgres_only
def test_three_workers_on_postgresql_deliver_each_message_exactly_once(app, sms_server):
    people = [phone_person(f"+2126123456{n:02d}") for n in range(4)]
    ids = [message_id for person in people for message_id in queue_for(person, 60)]
    keys = {m.idempotency_key for m in _messages(ids).values()}
    db.session.remove()
    totals = []

    def run():
        with app.app_context():
            totals.append(drain(app, sms_channels(sms_server.gateway_url()), batch=5))
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(totals) == 240 and all(totals)  # each took a share
    assert sms_server.sends() == dict.fromkeys(keys, 1)  # counted at the gateway: once each
    assert {m.status for m in _messages(ids).values()} == {DeliveryStatus.SENT}
