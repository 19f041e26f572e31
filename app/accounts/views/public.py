"""Signing up, in and out, and the one-time password links."""

from flask import current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from app.accounts import confirmation, services
from app.accounts.forms import (
    ConfirmCodeForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
    chosen_municipality,
)
from app.accounts.identifiers import format_phone
from app.accounts.services import AccountError
from app.accounts.session import end_session, start_session
from app.accounts.views import _account_key, _config, _failed, _form_error, _refused_link, bp, current_person
from app.core.i18n import current_language
from app.core.security_log import security_event
from app.core.urls import local_path, safe_next_path
from app.extensions import limiter

# -- Signing up, in and out ----------------------------------------------------------------------


def sign_up_answer(email: str | None, phone: str | None) -> Markup:
    """What to do next, said the same whether the identifier was free or taken (nothing here tells
    which): the person's own email address or number, and the step that follows on that channel.
    The identifier is isolated in a <bdi>, on one line, so that "+212 6 12…" keeps its order in an
    Arabic sentence."""
    identifier = Markup('<bdi class="identifier" dir="ltr">%s</bdi>') % (email or format_phone(phone))
    hours = current_app.config["JIWAR_UNCONFIRMED_HOURS"]
    values = {"hours": hours, "email" if email else "phone": identifier}
    if email:
        text = _(
            "Next step: open the email we are sending to %(email)s and tap its link, within %(hours)s "
            "hours. If this address already had an account, nothing was created: sign in below with "
            "that account's password, or choose “Forgot your password?”."
        )
    else:
        text = _(
            "Next step: sign in below with %(phone)s and your password, then type the 6-digit code we "
            "are sending to this number by SMS, within %(hours)s hours. If this number already had an "
            "account, nothing was created: sign in with that account's password, or choose “Forgot "
            "your password?”."
        )
    # Formatted here, not by gettext: the message is escaped and only the <bdi> stays markup.
    return escape(text) % values


# The identifier just given at sign-up, filled in on the sign-in page that follows (kept in the signed
# session, not in the address: access logs and browser history would keep it there).
SIGNED_UP_KEY = "signed_up_identifier"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_config("JIWAR_SIGN_IN_LIMIT_PER_CLIENT"), methods=["POST"], deduct_when=_failed)
@limiter.limit(_config("JIWAR_SIGN_IN_LIMIT_PER_ACCOUNT"), methods=["POST"], deduct_when=_failed,
               key_func=_account_key)
def sign_in():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next_path(request.args.get("next")))
    form = SignInForm(next=local_path(request.args.get("next")) or "",
                      identifier=session.pop(SIGNED_UP_KEY, None) if request.method == "GET" else None)
    g.return_here = local_path(form.next.data)
    error = _form_error()
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.identifier.data, form.password.data)
        except AccountError as failure:
            error = failure.message
        else:
            start_session(user)
            return redirect(safe_next_path(form.next.data), code=303)
    return render_template("accounts/sign_in.html", form=form, error=error)


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_config("JIWAR_SIGN_UP_LIMIT_PER_CLIENT"), methods=["POST"])
def sign_up():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next_path(request.args.get("next")))
    form = SignUpForm(language=current_language(), next=local_path(request.args.get("next")) or "")
    g.return_here = local_path(form.next.data)
    error = _form_error()
    if form.validate_on_submit():
        try:
            services.sign_up(
                email=form.normalised_email,
                phone=form.normalised_phone,
                display_name=form.display_name.data,
                password=form.password.data,
                municipality=chosen_municipality(form.municipality),
                locale=current_language(),
            )
        except AccountError as failure:
            security_event("form.refused", form="SignUpForm", code=failure.code)
            error = failure.message
        else:
            # One answer whether the account was created or its email or phone was already taken
            # (the owner is told by email): no one learns from this form who has an account.
            flash(sign_up_answer(form.normalised_email, form.normalised_phone), "info")
            session[SIGNED_UP_KEY] = form.normalised_email or format_phone(form.normalised_phone)
            return redirect(url_for("accounts.sign_in", next=local_path(form.next.data)), code=303)
    return render_template("accounts/sign_up.html", form=form, error=error)


# -- Confirming a new account ---------------------------------------------------------------------


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit(_config("JIWAR_RESET_LIMIT_PER_CLIENT"), methods=["POST"], deduct_when=_failed)
def confirm_account():
    user = current_person()
    if user.is_confirmed:
        return redirect(safe_next_path(request.values.get("next")), code=303)
    form = ConfirmCodeForm(next=local_path(request.args.get("next")) or "")
    error = _form_error()
    if form.validate_on_submit():
        try:
            confirmation.confirm_with_code(user, form.code.data)
        except confirmation.ConfirmationError as failure:
            error = failure.message
        else:
            flash(_("Your account is confirmed: you can register, propose and support."), "success")
            return redirect(safe_next_path(form.next.data), code=303)
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/confirm.html", form=form, error=error, user=user), status


@bp.post("/confirm/again")
@login_required
@limiter.limit(_config("JIWAR_RESET_LIMIT_PER_CLIENT"))
def confirm_again():
    confirmation.send_again(current_person())
    flash(_("A new message is on its way. Earlier codes and links no longer work."), "info")
    return redirect(url_for("accounts.confirm_account", next=local_path(request.form.get("next"))), code=303)


@bp.get("/confirm/<token>")
@limiter.limit(_config("JIWAR_RESET_LIMIT_PER_CLIENT"), deduct_when=_refused_link)
def confirm_link(token: str):
    try:
        confirmation.confirm_with_link(token)
    except confirmation.ConfirmationError as failure:
        return render_template("accounts/confirm_refused.html", message=failure.message), 404
    flash(_("Your account is confirmed: you can register, propose and support."), "success")
    target = "main.home" if current_user.is_authenticated else "accounts.sign_in"
    return redirect(url_for(target), code=303)


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        # A copy of the cookie taken before sign-out stops working too: every session ends.
        services.end_all_sessions(current_person())
    end_session()
    flash(_("You are signed out."), "success")
    response = redirect(url_for("main.home"), code=303)
    # What this browser kept for the person (offline copies of pages, lists of names, anything kept
    # on a shared phone) goes with the session.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


# -- Password links ------------------------------------------------------------------------------

@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_config("JIWAR_RESET_LIMIT_PER_CLIENT"), methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.identifier.data)
        # The same answer whether or not an account uses this identifier.
        flash(_("If an account uses this email address or phone number, a link to choose a new password "
                "is on its way. No message? Ask at the information desk of your programme."), "info")
        return redirect(url_for("accounts.sign_in"), code=303)
    return render_template("accounts/forgot_password.html", form=form, error=_form_error())


# The link's token is in its path, which access logs and browser history keep: the first GET
# checks it, keeps its row id in the (signed) session and moves on to /reset, so the form, its POST
# and every later request carry no token. GET changes nothing in the database: a link preview
# fetched by a messaging app does not spend the link.
RESET_SESSION_KEY = "reset_token_id"


@bp.get("/reset/<token>")
@limiter.limit(_config("JIWAR_RESET_LIMIT_PER_CLIENT"), deduct_when=_refused_link)
def open_reset_link(token: str):
    state, row = services.reset_token_state(token[:100])
    if state != "valid":
        session.pop(RESET_SESSION_KEY, None)
        return _reset_link_refused(state)
    session[RESET_SESSION_KEY] = row.id
    response = redirect(url_for("accounts.reset_password"), code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/reset", methods=["GET", "POST"])
def reset_password():
    token_id = session.get(RESET_SESSION_KEY)
    state = services.reset_link_state(token_id)
    if state != "valid":
        return _reset_link_refused(state)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token_id, form.password.data)
        except AccountError as failure:
            if failure.code.startswith("link_"):
                return _reset_link_refused(failure.code.removeprefix("link_"))
            form.password.errors = [*form.password.errors, failure.message]
        else:
            session.pop(RESET_SESSION_KEY, None)
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("accounts.sign_in"), code=303)
    return render_template("accounts/reset_password.html", form=form, error=_form_error())


def _reset_link_refused(state: str):
    session.pop(RESET_SESSION_KEY, None)
    status = 404 if state == "unknown" else 410
    response = make_response(
        render_template("accounts/reset_refused.html", message=services.RESET_LINK_MESSAGES[state]()), status
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
