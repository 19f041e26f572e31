"""The privacy blueprint: a person's data and its erasure, the pages that reach every domain.

An account holder downloads their data and deletes their account (/me/data/download, /me/delete;
the page that offers both, /me/data, stays with the account's pages). At the desk, a card holder's
data on a printable page in their language, withdrawing their consent, erasing them: each needs the
card present (its code typed) and is refused to organisers the person is not served by (404, from
the loader). Registered by create_app; nothing imports this module.
"""

from functools import partial

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from app.accounts.forms import DeleteAccountForm
from app.accounts.queries import country_name
from app.accounts.services import AccountError
from app.accounts.session import end_session
from app.accounts.views import (
    _config,
    _failed,
    _form_error,
    csrf_failed,
    current_person,
    personal_pages_are_not_cached,
)
from app.core.i18n import current_language, speaking
from app.core.security_log import security_event
from app.core.time import utcnow
from app.events import services
from app.events.errors import EventError
from app.events.rights_forms import CardDataForm, EraseCardHolderForm, WithdrawConsentForm
from app.events.views import template_enums
from app.events.views.loaders import get_card_holder_or_404, personal
from app.extensions import limiter
from app.privacy import desk, personal_data

bp = Blueprint("privacy", __name__)
bp.after_request(personal_pages_are_not_cached)
bp.context_processor(template_enums)  # the desk pages show the events' and answers' labels
# A form met with an expired CSRF token gets its page back, what was typed kept (as the accounts').
bp.register_error_handler(CSRFError, partial(csrf_failed, form_pages={"privacy.delete_account"}))


# -- The account holder's data: download it, delete the account ----------------------------------


@bp.post("/me/data/download")
@login_required
def download_my_data():
    body = personal_data.export_personal_data(current_person(), current_language())
    response = make_response(body)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    filename = f"jiwar-my-data-{utcnow():%Y-%m-%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response  # Cache-Control: no-store, like every page of this blueprint


@bp.route("/me/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(_config("JIWAR_SIGN_IN_LIMIT_PER_ACCOUNT"), methods=["POST"], deduct_when=_failed,
               key_func=lambda: f"delete-account:{current_user.id}")
def delete_account():
    user = current_person()
    form = DeleteAccountForm()
    error = _form_error()
    last_admin = personal_data.is_last_administrator(user)
    if form.validate_on_submit():
        try:
            personal_data.delete_account(user, form.password.data)
        except AccountError as failure:
            security_event("form.refused", form="DeleteAccountForm", code=failure.code)
            if failure.field == "password":
                form.password.errors = [*form.password.errors, failure.message]
            else:
                error = failure.message
        else:
            end_session()
            flash(_("Your account is deleted and your personal data erased. Thank you for taking part."),
                  "success")
            return redirect(url_for("main.home"), code=303)
    return render_template("accounts/delete_account.html", form=form, error=error, last_admin=last_admin)


# -- A card holder's data at the desk --------------------------------------------------------------


def _page(template: str, status: int = 200, **context):
    return personal(make_response(render_template(f"events/desk/rights/{template}", **context), status))


@bp.route("/desk/people/<int:participant_id>/data", methods=["GET", "POST"])
@login_required
def card_holder_data(participant_id: int):
    participant = get_card_holder_or_404(participant_id)
    form = CardDataForm(language=current_language())
    if not form.validate_on_submit():
        return _page("ask_card.html", 422 if form.is_submitted() else 200, participant=participant, form=form)
    language = form.language.data
    try:
        data = desk.card_holder_data(current_user, participant, form.code.data, language)
    except EventError as error:
        form.show_refusal(error)
        return _page("ask_card.html", 422, participant=participant, form=form)
    with speaking(language):  # the data in the person's language; the page and its links the organiser's
        data_html = Markup(  # noqa: S704 - our own rendered template
            render_template(
                "events/desk/rights/_data.html",
                data=data,
                lang=language,
                now=utcnow(),
                retention_days=current_app.config["JIWAR_CARD_HOLDER_RETENTION_DAYS"],
                country_name=country_name,
            )
        )
    return _page("data.html", participant_id=participant.id, code=form.code.data, data_html=data_html,
                 data_language=language)


@bp.route("/desk/people/<int:participant_id>/withdraw-consent", methods=["GET", "POST"])
@login_required
def withdraw_card_holder_consent(participant_id: int):
    return _card_holder_right(
        participant_id,
        WithdrawConsentForm(),
        lambda participant, code: services.withdraw_card_holder_consent(current_user, participant, code),
        _("Consent withdrawn: the participation answers are erased."),
        url_for("events.card_holder", participant_id=participant_id),
        "withdraw_consent.html",
    )


@bp.route("/desk/people/<int:participant_id>/erase", methods=["GET", "POST"])
@login_required
def erase_card_holder(participant_id: int):
    return _card_holder_right(
        participant_id,
        EraseCardHolderForm(),
        lambda participant, code: desk.erase_card_holder(current_user, participant, code),
        _("The person is erased: the desk no longer knows their name, phone or answers."),
        url_for("events.desk"),
        "erase.html",
    )


def _card_holder_right(participant_id: int, form, act, done: str, then: str, template: str):
    """A right the desk carries out for a card holder who shows their card: the page asks for the
    code once more, `act(participant, code)` does it, or the refusal is shown on the code."""
    participant = get_card_holder_or_404(participant_id)
    if form.validate_on_submit():
        try:
            act(participant, form.code.data)
        except EventError as error:
            form.show_refusal(error)
            participant = get_card_holder_or_404(participant_id)  # the refusal rolled the session back
        else:
            flash(done, "success")
            return redirect(then, code=303)
    status = 422 if form.is_submitted() else 200
    return _page(template, status, participant=participant, form=form)
