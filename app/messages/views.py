"""Administrators' page of failed messages (with resend), and the SMS gateways' receipt webhooks."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.views import admin_required
from app.core.models import DeliveryStatus
from app.core.pagination import parse_page
from app.extensions import csrf
from app.messages import queries, receipts, services

bp = Blueprint("messages", __name__)
# The gateways call these addresses: no language in them (app/__init__.py registers them as they are).
receipts_bp = Blueprint("message_receipts", __name__)


@bp.get("/admin/messages")
@admin_required
def failed_messages():
    page = queries.failed_messages(parse_page(request.args.get("page")))
    response = current_app.make_response(
        render_template("messages/failed.html", page=page, mask=queries.mask_address)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/admin/messages/<int:message_id>/resend", methods=["GET", "POST"])
@admin_required
def resend_message(message_id: int):
    message = queries.failed_message(message_id)
    if message is None:
        abort(404)
    if request.method == "POST":
        services.resend_message(current_user, message)
        flash(_("The message is queued again; the worker sends it within a minute."), "success")
        return redirect(url_for("messages.failed_messages"), code=303)
    return render_template("messages/resend.html", message=message, mask=queries.mask_address)


# -- receipts: called by the gateways, never by a browser (no session, no CSRF token) ----------------

SMS_GATEWAY_STATES = {"sms:delivered": DeliveryStatus.DELIVERED, "sms:failed": DeliveryStatus.FAILED,
                      "sms:sent": DeliveryStatus.SENT}


@receipts_bp.post("/messages/receipts/sms-gateway")
@csrf.exempt
def sms_gateway_receipt():
    body = request.get_data(cache=True)
    headers = request.headers
    key = current_app.config["JIWAR_SMS_WEBHOOK_KEY"]
    if not receipts.sms_gateway_signed(key, body, headers.get("X-Timestamp"), headers.get("X-Signature")):
        abort(401)
    event = request.get_json(silent=True) or {}
    payload = event.get("payload") or {}
    if not isinstance(payload, dict):
        abort(400)
    name = event.get("event")
    if name in SMS_GATEWAY_STATES and payload.get("messageId"):
        services.record_receipt("sms", str(payload["messageId"]), SMS_GATEWAY_STATES[name],
                                reason=payload.get("reason"))
    elif name == "sms:received" and payload.get("phoneNumber"):
        services.record_reply(str(payload["phoneNumber"]), str(payload.get("message") or ""))
    return "", 204


TWILIO_STATES = {"delivered": DeliveryStatus.DELIVERED, "undelivered": DeliveryStatus.FAILED,
                 "failed": DeliveryStatus.FAILED, "sent": DeliveryStatus.SENT}


@receipts_bp.post("/messages/receipts/twilio")
@csrf.exempt
def twilio_receipt():
    from app.messages.channels.twilio import auth_token

    token = auth_token(current_app.config.get("JIWAR_SMS_URL") or "")
    # Twilio signs the address it was given: the canonical one, whatever proxy passed the call on.
    signed_url = current_app.config["JIWAR_CANONICAL_URL"].rstrip("/") + request.full_path.rstrip("?")
    form = request.form.to_dict()
    if not receipts.twilio_signed(token, signed_url, form, request.headers.get("X-Twilio-Signature")):
        abort(401)
    state = TWILIO_STATES.get(form.get("MessageStatus", ""))
    if state is not None and form.get("MessageSid"):
        reason = f"Twilio error {form['ErrorCode']}" if form.get("ErrorCode") else None
        services.record_receipt("sms", form["MessageSid"], state, reason=reason)
    elif form.get("From") and "Body" in form:  # a reply to our number
        services.record_reply(form["From"], form["Body"])
    return "", 204
