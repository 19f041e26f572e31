"""The one concurrency harness (tests/concurrency.py) runs its calls at the same time and reports
what each raised or returned, so the PostgreSQL proofs built on it can fail."""

import threading

import pytest

from tests.concurrency import answers_together, run_together


def test_the_calls_are_running_at_the_same_time(app):
    meeting = threading.Barrier(4, timeout=10)  # passed only when all four are inside at once
    assert answers_together(app, [lambda n=n: (meeting.wait(), n)[1] for n in range(4)]) == [0, 1, 2, 3]


def test_what_a_call_raises_is_reported_not_lost(app):
    def refuse():
        raise LookupError("full")

    errors = run_together(app, [refuse, lambda: None])
    assert [type(error) for error in errors] == [LookupError]
    with pytest.raises(LookupError):
        answers_together(app, [refuse, lambda: 1])


def test_calls_in_a_language_run_in_a_request_in_that_language(app):
    from flask_babel import get_locale

    assert answers_together(app, [lambda: str(get_locale())] * 2, language="ar") == ["ar", "ar"]
