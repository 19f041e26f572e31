"""Access rules for the messages page and the unsubscribe link (anyone holding the link)."""

from app.messages.tokens import unsubscribe_token
from tests.access.rules import Route, everyone, signed_in


def build_world(oujda, la_marsa, cast) -> dict:
    return {"unsubscribe_token": unsubscribe_token(cast["resident"].participant_id, "reminders")}


RULES = [
    Route("GET", "messages.preferences_page", "/me/messages", signed_in(200)),
    Route("POST", "messages.preferences_page", "/me/messages", signed_in(303),
          data={"channel": "email", "language": "fr", "topics": "reminders"}),
    Route("GET", "messages.unsubscribe_page", "/unsubscribe/{unsubscribe_token}", everyone(200)),
    Route("POST", "messages.unsubscribe", "/unsubscribe/{unsubscribe_token}", everyone(200)),
]
