"""Access rules for programmes, targets, reports and exports."""

from tests.access.rules import Route, everyone


def build_world(oujda, la_marsa, cast) -> dict:
    return {}


RULES = [
    Route("GET", "reports.list_programmes", "/programmes", everyone(200)),
]
