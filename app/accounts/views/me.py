"""The person's own pages: profile, password, participation consent, their data, deleting the account."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import queries, services
from app.accounts.forms import (
    ChangePasswordForm,
    ConsentForm,
    ParticipationForm,
    ProfileForm,
    chosen_municipality,
)
from app.accounts.models import Gender, Origin
from app.accounts.services import AccountError
from app.accounts.session import start_session
from app.accounts.views import _config, _failed, _form_error, bp, current_person
from app.core.i18n import current_language
from app.core.security_log import security_event
from app.extensions import limiter

# -- The person's own pages ------------------------------------------------------------------------


@bp.route("/me", methods=["GET", "POST"])
@login_required
def profile():
    user = current_person()
    form = ProfileForm(
        language=current_language(),
        data={
            "display_name": user.display_name,
            "preferred_locale": user.preferred_locale or current_language(),
            "municipality": str(user.municipality_id or ""),
        },
    )
    if form.validate_on_submit():
        services.update_profile(
            user,
            display_name=form.display_name.data,
            preferred_locale=form.preferred_locale.data,
            municipality=chosen_municipality(form.municipality),
        )
        session["locale"] = form.preferred_locale.data
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"), code=303)
    participant = user.participant
    return render_template(
        "accounts/profile.html",
        form=form,
        error=_form_error(),
        participant=participant,
        gender_label=Gender(participant.gender).label if participant.gender else "",
        origin_label=Origin(participant.origin).label if participant.origin else "",
        country_label=queries.country_name(participant.country_code, current_language()),
    )


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_config("JIWAR_SIGN_IN_LIMIT_PER_ACCOUNT"), methods=["POST"], deduct_when=_failed,
               key_func=lambda: f"change-password:{current_user.id}")  # a stolen session guessing
def change_password():
    user = current_person()
    form = ChangePasswordForm(user=user)
    error = _form_error()
    if form.validate_on_submit():
        try:
            services.change_password(
                user, current_password=form.current_password.data, new_password=form.password.data
            )
        except AccountError as failure:
            security_event("form.refused", form="ChangePasswordForm", code=failure.code)
            field = getattr(form, failure.field or "", None) or form.password
            field.errors = [*field.errors, failure.message]
        else:
            start_session(user)  # this session goes on; every other one has ended
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("accounts.profile"), code=303)
    return render_template("accounts/change_password.html", form=form, error=error)


def _participation_page(consent_form=None, form=None, error=None, status=200):
    participant = current_user.participant
    if participant.has_consented and form is None:
        form = ParticipationForm(
            language=current_language(),
            data={
                "gender": participant.gender or "",
                "birth_year": participant.birth_year,
                "origin": participant.origin or "",
                "country_code": participant.country_code or "",
            },
        )
    return render_template(
        "accounts/participation.html",
        participant=participant,
        consent_form=consent_form or ConsentForm(),
        form=form,
        error=error or _form_error(),
        threshold=current_app.config["JIWAR_DISCLOSURE_THRESHOLD"],
    ), status


@bp.route("/me/participation", methods=["GET", "POST"])
@login_required
def participation():
    if request.method == "GET":
        return _participation_page()
    form = ParticipationForm(language=current_language())
    if not current_user.participant.has_consented:
        return _participation_page(error=_("Tick the consent box before giving these details."))
    if form.validate_on_submit():
        services.update_participation(
            current_person(),
            gender=form.gender.data,
            birth_year=form.birth_year.data,
            origin=form.origin.data,
            country_code=form.country_code.data,
        )
        flash(_("Thank you. Your details are saved."), "success")
        return redirect(url_for("accounts.profile"), code=303)
    return _participation_page(form=form)


@bp.post("/me/participation/consent")
@login_required
def give_consent():
    form = ConsentForm()
    if form.validate_on_submit():
        services.give_consent(current_person())
        return redirect(url_for("accounts.participation"), code=303)
    return _participation_page(consent_form=form)


@bp.post("/me/participation/withdraw")
@login_required
def withdraw_consent():
    services.withdraw_consent(current_person())
    flash(_("Your consent is withdrawn and your participation details are erased."), "success")
    return redirect(url_for("accounts.profile"), code=303)


# -- Their data (downloading it, deleting the account: app/privacy/views.py) ------------------------


@bp.get("/me/data")
@login_required
def my_data():
    return render_template("accounts/my_data.html")
