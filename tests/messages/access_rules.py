"""Access rules for the failed messages page and the gateways' receipt webhooks."""

from tests.access.rules import Route, everyone, only


def build_world(oujda, la_marsa, cast) -> dict:
    from app.core.models import DeliveryStatus
    from app.core.notifications import queue_notification
    from app.extensions import db

    message = queue_notification(cast["resident"].participant_id, "event_cancelled", event_id=1)
    message.status, message.channel, message.address = DeliveryStatus.FAILED, "sms", "+212612345678"
    message.failure_reason = "SMS Gateway for Android answered 400: invalid phone number"
    db.session.commit()
    return {"failed_message": message}


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
]
