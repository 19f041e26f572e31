"""What one account may create is limited: comments, abuse reports, proposals, desk cards and
proposals entered at the desk. Beyond the limit: the translated 429 page, and nothing written.
(The limits of the tests: 2 per hour, see RateLimitedConfig in tests/conftest.py.)"""

import os
import uuid

import pytest
import redis
import sqlalchemy as sa

from app.accounts.models import Participant
from app.extensions import db
from app.proposals.models import AbuseReport, Comment, Proposal
from tests.accounts.helpers import translated
from tests.conftest import RateLimitedConfig, sign_in_as
from tests.factories import make_call, make_comment, make_organiser, make_proposal, make_user


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def refused(response, client) -> None:
    assert response.status_code == 429
    assert translated(client.application, "en", "Too many attempts. Please wait a moment and try again.") \
        in response.data


def test_comments_beyond_the_limit_are_refused_and_not_written(limited_client, oujda):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    sign_in_as(limited_client, make_user())
    url = f"/proposals/{proposal.id}/comments"
    # A comment sent back with an error costs nothing.
    assert limited_client.post(url, data={"body": "  "}).status_code == 422
    for n in range(2):
        assert limited_client.post(url, data={"body": f"Comment {n}"}).status_code == 303
    refused(limited_client.post(url, data={"body": "One too many"}), limited_client)
    assert count(Comment) == 2
    # Another account is not affected.
    sign_in_as(limited_client, make_user())
    assert limited_client.post(url, data={"body": "Mine"}).status_code == 303


def test_the_refusal_page_is_in_the_reader_language(limited_client, oujda):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    sign_in_as(limited_client, make_user())
    url = f"/proposals/{proposal.id}/comments"
    for n in range(2):
        limited_client.post(url, data={"body": f"Comment {n}"})
    response = limited_client.post(f"/ar{url}", data={"body": "Encore"})
    assert response.status_code == 429
    assert b'dir="rtl"' in response.data
    assert translated(limited_client.application, "ar", "Too many attempts") in response.data


def test_reports_of_proposals_and_comments_share_one_limit(limited_client, oujda):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    comment = make_comment(proposal, make_user())
    sign_in_as(limited_client, make_user())
    report_proposal, report_comment = f"/proposals/{proposal.id}/report", f"/comments/{comment.id}/report"
    assert limited_client.post(report_proposal, data={"reason": "Spam"}).status_code == 303
    assert limited_client.post(report_comment, data={"reason": "Insulte"}).status_code == 303
    refused(limited_client.post(report_comment, data={"reason": "Encore"}), limited_client)
    assert count(AbuseReport) == 2
    # Reading the report form is not limited.
    assert limited_client.get(f"/proposals/{proposal.id}/report").status_code == 200


def _proposal(call, n):
    return {
        "title": f"Un jardin partagé {n}",
        "description": "Un jardin où voisins et nouveaux arrivants cultivent ensemble le samedi.",
        "category_id": str(call.categories[0].id),
    }


def test_proposals_beyond_the_limit_are_refused(limited_client, oujda):
    call = make_call(oujda, phase="submission")
    sign_in_as(limited_client, make_user())
    for n in range(2):
        assert limited_client.post(f"/calls/{call.id}/propose", data=_proposal(call, n)).status_code == 303
    refused(limited_client.post(f"/calls/{call.id}/propose", data=_proposal(call, 9)), limited_client)
    assert count(Proposal) == 2


def test_desk_cards_and_assisted_proposals_share_the_desk_limit(limited_client, oujda):
    call = make_call(oujda, phase="submission")
    sign_in_as(limited_client, make_organiser(oujda))
    assert limited_client.post("/desk/people", data={"display_name": "Awa"}).status_code == 303
    assisted = {**_proposal(call, 1), "channel": "paper"}
    assert limited_client.post(f"/calls/{call.id}/assisted", data=assisted).status_code == 303
    refused(limited_client.post("/desk/people", data={"display_name": "Moussa"}), limited_client)
    refused(limited_client.post(f"/calls/{call.id}/assisted", data=assisted), limited_client)
    moussa = sa.select(sa.func.count(Participant.id)).where(Participant.display_name == "Moussa")
    assert db.session.scalar(moussa) == 0
    assert count(Proposal) == 1


def test_a_limit_reached_is_a_security_event(limited_client, oujda, caplog):
    import logging

    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    sign_in_as(limited_client, make_user())
    with caplog.at_level(logging.WARNING, logger="jiwar.security"):
        for n in range(3):
            limited_client.post(f"/proposals/{proposal.id}/comments", data={"body": f"Comment {n}"})
    assert any("rate_limited" in r.getMessage() and "endpoint=proposals.add_comment" in r.getMessage()
               for r in caplog.records)


class RedisLimitedConfig(RateLimitedConfig):
    """Production with several workers: the counters live in Redis, where every worker reads them."""

    RATELIMIT_STORAGE_URI = os.environ.get("TEST_REDIS_URL", "")
    RATELIMIT_KEY_PREFIX = f"jiwar-test-{uuid.uuid4().hex}"


@pytest.mark.redis
@pytest.mark.parametrize("limited_client", [RedisLimitedConfig], indirect=True)
def test_with_redis_storage_the_counters_are_in_redis_for_every_worker(limited_client, oujda):
    proposal = make_proposal(make_call(oujda, phase="support"), make_user())
    sign_in_as(limited_client, make_user())
    url = f"/proposals/{proposal.id}/comments"
    for n in range(2):
        assert limited_client.post(url, data={"body": f"Comment {n}"}).status_code == 303
    refused(limited_client.post(url, data={"body": "One too many"}), limited_client)
    server = redis.Redis.from_url(RedisLimitedConfig.RATELIMIT_STORAGE_URI)
    keys = server.keys(f"*{RedisLimitedConfig.RATELIMIT_KEY_PREFIX}*")
    assert keys, "no counter in Redis: another worker would not see these comments"
    server.delete(*keys)
