"""STUB: demo programmes and targets are added by the participation-tracking work."""


def seed_programmes(accounts: dict, lines: list[str]) -> dict:
    return {}
