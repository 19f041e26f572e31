"""STUB: demo calls and proposals are added by the proposals work."""


def seed_proposals(accounts: dict, programmes: dict, lines: list[str]) -> None:
    return None
