"""Password rules and identifier normalisation, as units."""

import pytest

from app.accounts.identifiers import format_phone, normalise_email, normalise_phone, phone_candidates
from app.accounts.passwords import common_passwords, hash_password, password_problem, verify_password


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_the_common_password_list_is_loaded():
    words = common_passwords()
    assert len(words) > 19_000  # ASVS 6.2.4: at least the 3,000 most common
    assert {"123456", "password", "azerty", "motdepasse"} <= words
    assert not any(word.startswith("#") for word in words)
    assert common_passwords() is words  # read once


# From the second half and the very end of Django's list, far beyond any top-200 list.
@pytest.mark.parametrize("password", ["jordan24", "earnhardt3", "coolboy1", "LuckyStar", "ethanryan01"])
def test_passwords_deep_in_the_list_are_refused(password):
    assert password_problem(password) == "This password is too common and easy to guess. Choose another one."


@pytest.mark.parametrize("password", ["1234567", "", "abc"])
def test_short_passwords(password):
    assert password_problem(password) == "Use at least 8 characters."


@pytest.mark.parametrize("password", ["password", "PASSWORD", "Azerty123", "123456789", " motdepasse "])
def test_common_passwords(password):
    assert "too common" in password_problem(password)


@pytest.mark.parametrize(
    "password", ["mint tea at dusk", "correcthorse", "12 rue des oliviers", "كلمة سر طويلة"]
)
def test_acceptable_passwords_without_composition_rules(password):
    assert password_problem(password) is None


def test_the_persons_own_identifiers_are_refused():
    assert password_problem("fatou@example.org", ("fatou@example.org",)) is not None


def test_outside_the_tests_passwords_cost_rfc_9106_low_memory():
    from app.accounts import passwords
    from config import CONFIGS, TestConfig

    served = [config for config in CONFIGS.values() if config is not TestConfig]
    assert [config.ARGON2_COST for config in served] == ["rfc9106-low-memory"] * len(served)
    passwords.use_cost("rfc9106-low-memory")
    try:
        hashed = hash_password("mint tea at dusk")
    finally:
        passwords.use_cost(TestConfig.ARGON2_COST)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # 64 MiB, 3 passes, 4 lanes
    assert verify_password(hashed, "mint tea at dusk")  # a hash names its own cost


def test_argon2id_hashes_and_verifies():
    hashed = hash_password("mint tea at dusk")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "mint tea at dusk")
    assert not verify_password(hashed, "mint tea at dawn")
    assert not verify_password("not a hash", "anything")


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("0612345678", "MA", "+212612345678"),
        ("06 12 34 56 78", "MA", "+212612345678"),
        ("+212 6 12 34 56 78", "TN", "+212612345678"),
        ("20 123 456", "TN", "+21620123456"),
        ("0033 6 12 34 56 78", "MA", "+33612345678"),
    ],
)
def test_phones_are_stored_in_e164(typed, region, stored):
    assert normalise_phone(typed, region) == stored


@pytest.mark.parametrize("typed", ["12", "abc", "+1 555", "0612", "٠٦١٢", "+" + "9" * 40])
def test_malformed_phones(typed):
    with pytest.raises(ValueError):
        normalise_phone(typed, "MA")


def test_empty_phone_and_email_are_none():
    assert normalise_phone("  ", "MA") is None
    assert normalise_email("") is None


def test_phone_candidates_read_a_local_number_in_each_region():
    assert phone_candidates("0612345678", ("MA", "TN")) == ["+212612345678"]
    assert phone_candidates("20123456", ("MA", "TN")) == ["+21620123456"]
    assert phone_candidates("hello", ("MA", "TN")) == []


def test_phones_are_shown_in_readable_international_form():
    assert format_phone("+212612345678") == "+212 6 12 34 56 78"
    assert format_phone("+21620123456") == "+216 20 123 456"
    assert format_phone(None) == ""
