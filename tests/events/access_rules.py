"""Access rules for events, registrations, tickets, the desk and the door."""

from tests.access.rules import Route, everyone


def build_world(oujda, la_marsa, cast) -> dict:
    return {}


RULES = [
    Route("GET", "events.list_events", "/events", everyone(200)),
    Route("GET", "events.my_events", "/me/events", everyone(200)),
    Route("GET", "events.manage_events", "/manage/events", everyone(200)),
    Route("GET", "events.desk", "/desk", everyone(200)),
]
