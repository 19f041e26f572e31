"""Running calls at the same instant, for the PostgreSQL proofs that row locks and unique constraints
hold (tests marked postgres_only).

Each call runs in its own thread with its own app context, hence its own database session and
connection, like gunicorn's workers; a barrier releases them together. The one harness every domain's
concurrency tests use.
"""

import threading
from collections.abc import Callable

from flask import Flask

from app.extensions import db


def run_together(app: Flask, calls: list[Callable], *, language: str | None = None) -> list[Exception]:
    """Run the calls at once; returns the exceptions they raised (empty when all went through).

    With `language`, each call runs in a request in that language (for the services that word their
    refusals), otherwise in a bare app context."""
    return _run(app, calls, language)[1]


def answers_together(app: Flask, calls: list[Callable], *, language: str | None = None) -> list:
    """Run the calls at once and return what they returned, sorted (the order of arrival is chance);
    a call that raised fails the test with its exception."""
    answers, errors = _run(app, calls, language)
    if errors:
        raise errors[0]
    return sorted(answers)


def _run(app: Flask, calls: list[Callable], language: str | None) -> tuple[list, list[Exception]]:
    barrier = threading.Barrier(len(calls))
    answers, errors = [], []

    def worker(call):
        headers = {"Accept-Language": language}
        with app.test_request_context(headers=headers) if language else app.app_context():
            try:
                barrier.wait(timeout=30)
                answers.append(call())
            except Exception as error:  # noqa: BLE001 - collected, and asserted by the caller
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a call was still running after two minutes"
    return answers, errors
