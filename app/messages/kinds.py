"""Every kind of message, the topic a person may turn off, and those that always go."""

from flask_babel import lazy_gettext as _l

from app.core.notifications import REMINDER_KIND

# kind -> topic. A topic turned off on the preferences page (or by an unsubscribe link) stops its kinds.
TOPICS_OF_KINDS = {
    "registration_confirmed": "registrations",
    "registration_waiting": "registrations",
    "registration_promoted": "registrations",
    REMINDER_KIND: "reminders",
    "event_changed": "event_changes",
    "event_cancelled": "event_changes",
    "organiser_message": "organiser_messages",
    "proposal_answered": "proposals",
    "comment_reply": "proposals",
    "card_link_requested": "account",
    # Codes, password links and security notices: always sent, at any hour, never unsubscribed.
    "sign_up_code": None,
    "sign_up_attempt": None,
    "password_reset": None,
    "desk_reset_link_given": None,
}
ALWAYS_SENT = frozenset(kind for kind, topic in TOPICS_OF_KINDS.items() if topic is None)

TOPIC_LABELS = {
    "registrations": _l("My registrations: confirmed, waiting list, a seat for me"),
    "reminders": _l("Reminders the day before and 2 hours before an event"),
    "event_changes": _l("An event I registered for changes time or place, or is cancelled"),
    "organiser_messages": _l("Messages from the organisers of my events"),
    "proposals": _l("Answers to my proposals and replies to my comments"),
    "account": _l("Requests about my account (linking a participant card)"),
}
TOPICS = tuple(TOPIC_LABELS)
