"""Access rules for calls, proposals, supports, comments, moderation and review."""

from tests.access.rules import Route, everyone


def build_world(oujda, la_marsa, cast) -> dict:
    return {}


RULES = [
    Route("GET", "proposals.list_calls", "/calls", everyone(200)),
    Route("GET", "proposals.my_proposals", "/me/proposals", everyone(200)),
    Route("GET", "proposals.manage_calls", "/manage/calls", everyone(200)),
]
