"""Guessing is slowed then refused: failed sign-ins per account and per client, sign-ups and
password links per client; a forged X-Forwarded-For changes nothing."""

import pytest

from tests.accounts.helpers import translated
from tests.conftest import RateLimitedConfig
from tests.factories import PASSWORD, make_reset_token, make_user


def attempt(client, identifier, password="wrong guess 123", address="198.51.100.7", **headers):
    return client.post(
        "/sign-in",
        data={"identifier": identifier, "password": password},
        environ_base={"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en"},
        headers=headers,
    )


def test_failures_for_one_account_are_refused_from_any_client(limited_client):
    make_user(email="fatou@example.org")
    for n in range(3):
        assert attempt(limited_client, "fatou@example.org", address=f"203.0.113.{n}").status_code == 200
    refused = attempt(limited_client, "FATOU@example.org", address="203.0.113.99")
    assert refused.status_code == 429
    assert b"Too many attempts. Please wait a moment and try again." in refused.data
    assert "Retry-After" in refused.headers
    # Even the right password waits: the guesser must not learn it was right.
    assert attempt(limited_client, "fatou@example.org", PASSWORD, address="203.0.113.98").status_code == 429
    # Another account is not affected.
    make_user(email="other@example.org")
    assert attempt(limited_client, "other@example.org", PASSWORD, address="203.0.113.97").status_code == 303


def test_the_phone_written_differently_is_still_the_same_account(limited_client):
    make_user(phone="+212612345678")
    for typed in ("0612345678", "06 12 34 56 78", "+212612345678"):
        assert attempt(limited_client, typed).status_code == 200
    assert attempt(limited_client, "00212 612 345 678").status_code == 429


def test_failures_from_one_client_are_refused_whatever_the_account(limited_client):
    for n in range(6):
        assert attempt(limited_client, f"person{n}@example.org").status_code == 200
    assert attempt(limited_client, "someone-new@example.org").status_code == 429


def test_a_forged_x_forwarded_for_changes_nothing(limited_client):
    for n in range(6):
        response = attempt(limited_client, f"p{n}@example.org", X_Forwarded_For=f"192.0.2.{n}")
        assert response.status_code == 200
    assert attempt(limited_client, "p9@example.org", X_Forwarded_For="192.0.2.200").status_code == 429


def test_successful_sign_ins_do_not_count(limited_client):
    make_user(email="fatou@example.org")
    for _ in range(5):
        assert attempt(limited_client, "fatou@example.org", PASSWORD).status_code == 303
        limited_client.post("/sign-out")
    assert attempt(limited_client, "fatou@example.org", PASSWORD).status_code == 303


def test_the_refusal_page_is_translated(limited_client):
    for n in range(6):
        attempt(limited_client, f"p{n}@example.org")
    refused = limited_client.post(
        "/sign-in", data={"identifier": "x@example.org", "password": "y"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"}, headers={"Accept-Language": "fr"},
    )
    assert refused.status_code == 429
    assert b'<html lang="fr"' in refused.data
    assert translated(limited_client.application, "fr", "Too many attempts") in refused.data


def test_guessing_reset_links_is_refused(limited_client):
    for n in range(3):
        assert limited_client.get(f"/reset/guess-{n}").status_code == 404
    person = make_user()
    token = make_reset_token(person)
    assert limited_client.get(f"/reset/{token}").status_code == 429


def test_sign_ups_from_one_client_are_limited(limited_client):
    for n in range(3):
        limited_client.post("/sign-up", data={"display_name": f"P{n}"})
    assert limited_client.post("/sign-up", data={"display_name": "P9"}).status_code == 429


def test_a_refusal_is_a_security_event_in_the_log(limited_client, caplog):
    import logging

    with caplog.at_level(logging.WARNING, logger="jiwar.security"):
        for n in range(7):
            attempt(limited_client, f"guess{n}@example.org")
    events = [record.getMessage() for record in caplog.records if record.name == "jiwar.security"]
    assert sum("sign_in.failed" in line for line in events) == 6
    assert any("rate_limited" in line and "endpoint=accounts.sign_in" in line for line in events)


class BehindOneProxy(RateLimitedConfig):
    JIWAR_TRUSTED_PROXIES = 1


@pytest.mark.parametrize("limited_client", [BehindOneProxy], indirect=True)
def test_behind_one_proxy_the_client_is_the_address_it_saw_whatever_hops_were_forged_before(
    limited_client,
):
    """nginx appends the address it saw to whatever X-Forwarded-For the client sent: only that last
    hop counts. Forged hops in front of it change nothing; clients the proxy saw apart are apart."""
    for n in range(6):
        forged = f"192.0.2.{n}, 198.51.100.50"  # a new forged hop each time, the same real client
        response = attempt(limited_client, f"p{n}@example.org", address="10.0.0.2", X_Forwarded_For=forged)
        assert response.status_code == 200
    assert attempt(limited_client, "p9@example.org", address="10.0.0.2",
                   X_Forwarded_For="192.0.2.77, 198.51.100.50").status_code == 429
    # Another client behind the same proxy is not refused.
    assert attempt(limited_client, "p10@example.org", address="10.0.0.2",
                   X_Forwarded_For="198.51.100.51").status_code == 200
