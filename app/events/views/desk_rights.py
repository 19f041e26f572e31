"""Card holders' data rights at the desk: their data on a printable page in their language,
withdrawing their consent, erasing them. Each needs the card present (its code typed) and is
refused to organisers the person is not served by (404, from the loader)."""

from contextlib import contextmanager

from flask import current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.queries import country_name
from app.core.i18n import current_language, forget_translations
from app.core.time import utcnow
from app.events import services
from app.events.errors import EventError
from app.events.rights_forms import CardDataForm, EraseCardHolderForm, WithdrawConsentForm
from app.events.views import bp
from app.events.views.loaders import get_card_holder_or_404, personal


@contextmanager
def _in_language(language: str):
    """Render in the person's language while the desk stays in the organiser's: Flask-Babel's
    forced locale, and our per-request catalogue and language forgotten on the way in and out."""
    with force_locale(language):
        forget_translations()
        try:
            yield
        finally:
            forget_translations()
    forget_translations()


def _page(template: str, status: int = 200, **context):
    return personal(make_response(render_template(f"events/desk/rights/{template}", **context), status))


def _refused(form, error: EventError) -> None:
    """The service's refusal shown on its field (the code), what was typed kept."""
    field = getattr(form, error.field or "", None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@bp.route("/desk/people/<int:participant_id>/data", methods=["GET", "POST"])
@login_required
def card_holder_data(participant_id: int):
    participant = get_card_holder_or_404(participant_id)
    form = CardDataForm(language=current_language())
    if not form.validate_on_submit():
        return _page("ask_card.html", 422 if form.is_submitted() else 200, participant=participant, form=form)
    language = form.language.data
    try:
        data = services.card_holder_data(current_user, participant, form.code.data, language)
    except EventError as error:
        _refused(form, error)
        return _page("ask_card.html", 422, participant=participant, form=form)
    with _in_language(language):
        return _page(
            "data.html",
            data=data,
            code=form.code.data,
            lang=language,
            now=utcnow(),
            retention_days=current_app.config["JIWAR_CARD_HOLDER_RETENTION_DAYS"],
            country_name=country_name,
        )


@bp.route("/desk/people/<int:participant_id>/withdraw-consent", methods=["GET", "POST"])
@login_required
def withdraw_card_holder_consent(participant_id: int):
    participant = get_card_holder_or_404(participant_id)
    form = WithdrawConsentForm()
    if form.validate_on_submit():
        try:
            services.withdraw_card_holder_consent(current_user, participant, form.code.data)
        except EventError as error:
            _refused(form, error)
            participant = get_card_holder_or_404(participant_id)  # the refusal rolled the session back
        else:
            flash(_("Consent withdrawn: the participation answers are erased."), "success")
            return redirect(url_for("events.card_holder", participant_id=participant.id), code=303)
    status = 422 if form.is_submitted() else 200
    return _page("withdraw_consent.html", status, participant=participant, form=form)


@bp.route("/desk/people/<int:participant_id>/erase", methods=["GET", "POST"])
@login_required
def erase_card_holder(participant_id: int):
    participant = get_card_holder_or_404(participant_id)
    form = EraseCardHolderForm()
    if form.validate_on_submit():
        try:
            services.erase_card_holder(current_user, participant, form.code.data)
        except EventError as error:
            _refused(form, error)
            participant = get_card_holder_or_404(participant_id)
        else:
            flash(_("The person is erased: the desk no longer knows their name, phone or answers."),
                  "success")
            return redirect(url_for("events.desk"), code=303)
    status = 422 if form.is_submitted() else 200
    return _page("erase.html", status, participant=participant, form=form)
