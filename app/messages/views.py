"""The preferences page under "my account", and the unsubscribe link of every message but codes."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.i18n import current_language
from app.extensions import csrf
from app.messages import preferences
from app.messages.forms import PreferencesForm
from app.messages.kinds import TOPIC_LABELS, TOPICS
from app.messages.models import Channel
from app.messages.preferences import PreferenceError
from app.messages.tokens import read_unsubscribe_token

bp = Blueprint("messages", __name__)


def _personal(response):
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
            getattr(form, error.field).errors = [error.message]
            status = 400
        else:
            flash(_("Your message settings are saved."), "success")
            return redirect(url_for("messages.preferences_page"), code=303)
    elif form.is_submitted():
        status = 400
    html = render_template(
        "messages/preferences.html", form=form, user=user, stopped=bool(row and row.sms_stopped_at)
    )
    return _personal(_make(html, status))


def _make(html, status):
    return make_response(html, status)


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
    return _personal(_make(html, 200 if valid else 404))


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" with no token of ours
def unsubscribe(token: str):
    topic = preferences.unsubscribe(token)
    if topic is None:
        html = render_template(
            "messages/unsubscribe.html", token=token, valid=False, topic_label=None, done=False
        )
        return _personal(_make(html, 404))
    if request.form.get("List-Unsubscribe") == "One-Click":
        return _personal(_make("", 200))
    html = render_template(
        "messages/unsubscribe.html", token=token, valid=True, topic_label=TOPIC_LABELS[topic], done=True
    )
    return _personal(_make(html, 200))
