"""Administrators' page of failed messages (with resend), the SMS gateways' receipt webhooks, the
preferences page under "my account", and the unsubscribe link of every message but codes."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.views import admin_required
from app.core.i18n import current_language
from app.core.models import DeliveryStatus
from app.core.pagination import parse_page
from app.extensions import csrf
from app.messages import preferences, queries, receipts, services
from app.messages.forms import PreferencesForm
from app.messages.kinds import TOPIC_LABELS, TOPICS
from app.messages.models import Channel
from app.messages.preferences import PreferenceError
from app.messages.tokens import read_unsubscribe_token

bp = Blueprint("messages", __name__)
# The gateways call these addresses: no language in them (app/__init__.py registers them as they are).
receipts_bp = Blueprint("message_receipts", __name__)


@bp.get("/admin/messages")
@admin_required
def failed_messages():
    page = queries.failed_messages(parse_page(request.args.get("page")))
    # Signed in: no-store, as every signed-in page (app/core/security.py).
    return render_template("messages/failed.html", page=page, mask=queries.mask_address)


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


# -- preferences and unsubscribe ---------------------------------------------------------------------


def _personal(html: str, status: int):
    """An unsubscribe page, reached without a session yet about one person: never stored."""
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/me/messages", methods=["GET", "POST"])
@login_required
def preferences_page():
    user = current_user._get_current_object()
    row = preferences.preference_of(user.participant_id)
    default_channel = Channel.EMAIL if user.email else Channel.SMS
    form = PreferencesForm(
        data={
            "channel": (row.channel if row and row.channel else default_channel),
            "language": (row.language if row and row.language
                         else user.preferred_locale or current_language()),
            "topics": [topic for topic in TOPICS if not row or topic not in (row.muted_topics or [])],
            "phone_shared": user.participant.phone_shared,
        }
    )
    status = 200
    if form.validate_on_submit():
        try:
            preferences.save_preferences(
                user,
                channel=form.channel.data or "",
                language=form.language.data or "",
                topics=list(form.topics.data or []),
                phone_shared=form.phone_shared.data,
            )
        except PreferenceError as error:
            form.show_refusal(error)
            status = 400
        else:
            flash(_("Your message settings are saved."), "success")
            return redirect(url_for("messages.preferences_page"), code=303)
    elif form.is_submitted():
        status = 400
    html = render_template(
        "messages/preferences.html", form=form, user=user, stopped=bool(row and row.sms_stopped_at)
    )
    return html, status  # signed in: no-store, as every signed-in page (app/core/security.py)


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """The link in a message opens a confirmation (mail scanners open links; only a POST acts)."""
    read = read_unsubscribe_token(token)
    valid = read is not None and read[1] in TOPICS
    html = render_template(
        "messages/unsubscribe.html",
        token=token,
        valid=valid,
        topic_label=TOPIC_LABELS[read[1]] if valid else None,
        done=False,
    )
    return _personal(html, 200 if valid else 404)


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" with no token of ours
def unsubscribe(token: str):
    topic = preferences.unsubscribe(token)
    if topic is None:
        html = render_template(
            "messages/unsubscribe.html", token=token, valid=False, topic_label=None, done=False
        )
        return _personal(html, 404)
    if request.form.get("List-Unsubscribe") == "One-Click":
        return _personal("", 200)
    html = render_template(
        "messages/unsubscribe.html", token=token, valid=True, topic_label=TOPIC_LABELS[topic], done=True
    )
    return _personal(html, 200)
