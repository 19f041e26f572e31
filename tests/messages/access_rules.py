"""Access rules for the failed messages page, the gateways' receipt webhooks, the messages page and
the unsubscribe link (anyone holding the link)."""

from app.messages.tokens import unsubscribe_token
from tests.access.rules import Route, everyone, only, signed_in


def build_world(oujda, la_marsa, cast) -> dict:
    from app.core.models import DeliveryStatus
    from app.core.notifications import queue_notification
    from app.extensions import db

    message = queue_notification(cast["resident"].participant_id, "event_cancelled", event_id=1)
    message.status, message.channel, message.address = DeliveryStatus.FAILED, "sms", "+212612345678"
    message.failure_reason = "SMS Gateway for Android answered 400: invalid phone number"
    db.session.commit()
    return {
        "failed_message": message,
        "unsubscribe_token": unsubscribe_token(cast["resident"].participant_id, "reminders"),
    }


RESEND = "/admin/messages/{failed_message.id}/resend"

RULES = [
    Route("GET", "messages.failed_messages", "/admin/messages", only(200, "admin")),
    Route("GET", "messages.resend_message", RESEND, only(200, "admin")),
    Route("POST", "messages.resend_message", RESEND, only(303, "admin")),
    # Gateways sign their calls; nobody's session opens them.
    Route("POST", "message_receipts.sms_gateway_receipt", "/messages/receipts/sms-gateway", everyone(401),
          signed=True),
    Route("POST", "message_receipts.twilio_receipt", "/messages/receipts/twilio", everyone(401),
          signed=True),
    Route("GET", "messages.preferences_page", "/me/messages", signed_in(200)),
    Route("POST", "messages.preferences_page", "/me/messages", signed_in(303),
          data={"channel": "email", "language": "fr", "topics": "reminders"}),
    Route("GET", "messages.unsubscribe_page", "/unsubscribe/{unsubscribe_token}", everyone(200)),
    Route("POST", "messages.unsubscribe", "/unsubscribe/{unsubscribe_token}", everyone(200), signed=True),
]
