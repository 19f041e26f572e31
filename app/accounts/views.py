"""Sign-up, sign-in, the profile and consent, password links, and the people pages for staff."""

from functools import wraps

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from app.accounts import queries, services
from app.accounts.forms import (
    ChangePasswordForm,
    ConsentForm,
    ForgotPasswordForm,
    GrantRoleForm,
    ParticipationForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
    chosen_municipality,
    no_control_characters,
)
from app.accounts.identifiers import format_phone, looks_like_email, normalise_email, phone_candidates
from app.accounts.models import Gender, Origin, Role, RoleAssignment, User
from app.accounts.permissions import can_administer_people, can_issue_reset_link, can_use_people_desk
from app.accounts.services import AccountError
from app.accounts.session import end_session, enforce_session_timeouts, start_session
from app.core.htmx import render_page_or_fragment
from app.core.i18n import current_language
from app.core.pagination import parse_page
from app.core.urls import safe_next_path
from app.extensions import db, limiter

bp = Blueprint("accounts", __name__)
bp.before_app_request(enforce_session_timeouts)


@bp.app_template_global()
def phone_display(e164):
    return format_phone(e164)


@bp.app_template_filter()
def role_label(value):
    return Role(value).label


@bp.app_template_filter()
def masked_email(email: str) -> str:
    """Enough for the person at the desk to recognise their address, not to collect it."""
    local, _sep, domain = (email or "").partition("@")
    return f"{local[:2]}•••@{domain}"


@bp.app_template_filter()
def masked_phone(phone: str) -> str:
    return "•••• " + phone[-3:] if phone else ""


@bp.after_request
def personal_pages_are_not_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


# -- Rate limits (Flask-Limiter; the client address is only what the trusted proxies say) -------


def _config(name):
    return lambda: current_app.config[name]


def _account_key() -> str:
    """The account a sign-in attempt aims at, however its identifier is written."""
    identifier = (request.form.get("identifier") or "").strip()[:254]
    if looks_like_email(identifier):
        try:
            return "account:" + (normalise_email(identifier) or "")
        except ValueError:
            return "account:" + identifier.lower()
    numbers = phone_candidates(identifier, services.service_regions())
    return "account:" + (numbers[0] if numbers else identifier.lower())


def _failed(response) -> bool:
    return response.status_code != 303


def _refused_link(response) -> bool:
    return response.status_code >= 400


# -- Forms that meet an expired or missing CSRF token get their page back, not a bare error ------

FORM_PAGES = {
    "accounts.sign_in", "accounts.sign_up", "accounts.forgot_password", "accounts.reset_password",
    "accounts.profile", "accounts.change_password", "accounts.participation", "accounts.give_consent",
}


@bp.errorhandler(CSRFError)
def csrf_failed(error):
    """Re-run the page's own view: its form fails validation on the token (nothing is written), and
    the page comes back with what was typed and a message to send it again."""
    from app.core.errors import render_error

    if request.endpoint not in FORM_PAGES:
        return render_error(400)
    g.csrf_failed = True
    response = make_response(current_app.view_functions[request.endpoint](**(request.view_args or {})))
    response.status_code = 400
    return response


def me() -> User:
    """The signed-in person as the model object itself (services and login_user need it, not
    Flask-Login's proxy)."""
    return current_user._get_current_object()


def _form_error() -> str | None:
    if g.get("csrf_failed"):
        return _("This form had expired. Check what you typed and send it again.")
    return None


# -- Loaders and access --------------------------------------------------------------------------


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can_administer_people(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def desk_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can_use_people_desk(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def get_person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


def get_desk_person_or_404(user_id: int) -> User:
    """A person an organiser at the desk may issue a link for (403 for staff accounts)."""
    person = get_person_or_404(user_id)
    if not can_issue_reset_link(current_user, person):
        abort(403)
    return person


# -- Signing up, in and out ----------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_config("JIWAR_SIGN_IN_LIMIT_PER_CLIENT"), methods=["POST"], deduct_when=_failed)
@limiter.limit(_config("JIWAR_SIGN_IN_LIMIT_PER_ACCOUNT"), methods=["POST"], deduct_when=_failed,
               key_func=_account_key)
def sign_in():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next_path(request.args.get("next")))
    form = SignInForm(next=request.args.get("next", ""))
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
        return redirect(url_for("main.home"))
    form = SignUpForm(language=current_language())
    error = _form_error()
    if form.validate_on_submit():
        try:
            user = services.sign_up(
                email=form.normalised_email,
                phone=form.normalised_phone,
                display_name=form.display_name.data,
                password=form.password.data,
                municipality=chosen_municipality(form.municipality),
                locale=current_language(),
            )
        except AccountError as failure:
            error = failure.message
        else:
            start_session(user)
            flash(_("Welcome to Jiwar! Your account is ready."), "success")
            return redirect(url_for("accounts.profile"), code=303)
    return render_template("accounts/sign_up.html", form=form, error=error)


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        # A copy of the cookie taken before sign-out stops working too: every session ends.
        services.end_all_sessions(me())
    end_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"), code=303)


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


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_config("JIWAR_RESET_LIMIT_PER_CLIENT"), deduct_when=_refused_link)
def reset_password(token: str):
    state, _row = services.reset_token_state(token[:100])
    if state != "valid":
        return _reset_link_refused(state)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except AccountError as failure:
            if failure.code.startswith("link_"):
                return _reset_link_refused(failure.code.removeprefix("link_"))
            form.password.errors = [*form.password.errors, failure.message]
        else:
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("accounts.sign_in"), code=303)
    response = make_response(render_template("accounts/reset_password.html", form=form, error=_form_error()))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in this page's address
    return response


def _reset_link_refused(state: str):
    status = 404 if state == "unknown" else 410
    response = make_response(
        render_template("accounts/reset_refused.html", message=services.RESET_LINK_MESSAGES[state]()), status
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- The person's own pages ------------------------------------------------------------------------


@bp.route("/me", methods=["GET", "POST"])
@login_required
def profile():
    user = me()
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
def change_password():
    user = me()
    form = ChangePasswordForm(user=user)
    error = _form_error()
    if form.validate_on_submit():
        try:
            services.change_password(
                user, current_password=form.current_password.data, new_password=form.password.data
            )
        except AccountError as failure:
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
            me(),
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
        services.give_consent(me())
        return redirect(url_for("accounts.participation"), code=303)
    return _participation_page(consent_form=form)


@bp.post("/me/participation/withdraw")
@login_required
def withdraw_consent():
    services.withdraw_consent(me())
    flash(_("Your consent is withdrawn and your participation details are erased."), "success")
    return redirect(url_for("accounts.profile"), code=303)


# -- Administrators: people and roles -----------------------------------------------------------


@bp.get("/admin/people")
@admin_required
def admin_people():
    query = no_control_characters(request.args.get("q", "")).strip()[:100]
    people = queries.search_people(query, parse_page(request.args.get("page")),
                                   current_app.config["JIWAR_PAGE_SIZE"])
    return render_page_or_fragment(
        "accounts/admin_people.html", "accounts/_people_results.html", people=people, q=query
    )


def _admin_person_page(person: User, grant_form=None, status=200):
    return render_template(
        "accounts/admin_person.html",
        person=person,
        grant_form=grant_form or GrantRoleForm(language=current_language()),
        can_issue_link=can_issue_reset_link(current_user, person),
    ), status


@bp.get("/admin/people/<int:user_id>")
@admin_required
def admin_person(user_id: int):
    return _admin_person_page(get_person_or_404(user_id))


@bp.post("/admin/people/<int:user_id>/roles")
@admin_required
def grant_role(user_id: int):
    person = get_person_or_404(user_id)
    form = GrantRoleForm(language=current_language())
    if not form.validate_on_submit():
        return _admin_person_page(person, grant_form=form)
    services.grant_role(me(), person, Role(form.role.data), chosen_municipality(form.municipality))
    flash(_("The role is granted."), "success")
    return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)


@bp.post("/admin/people/<int:user_id>/roles/<int:assignment_id>/withdraw")
@admin_required
def withdraw_role(user_id: int, assignment_id: int):
    person = get_person_or_404(user_id)
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != person.id:
        abort(404)
    services.withdraw_role(me(), assignment)
    flash(_("The role is withdrawn."), "success")
    return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)


def _set_disabled(user_id: int, disabled: bool):
    person = get_person_or_404(user_id)
    try:
        services.set_disabled(me(), person, disabled)
    except AccountError as failure:
        flash(failure.message, "error")
    else:
        flash(_("The account is disabled: its sessions have ended.") if disabled
              else _("The account is enabled again."), "success")
    return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)


@bp.post("/admin/people/<int:user_id>/disable")
@admin_required
def disable_account(user_id: int):
    return _set_disabled(user_id, True)


@bp.post("/admin/people/<int:user_id>/enable")
@admin_required
def enable_account(user_id: int):
    return _set_disabled(user_id, False)


def _reset_link_page(person: User, link: str, back_url: str):
    qr = segno.make(link, error="m")
    return render_template(
        "accounts/reset_link_issued.html",
        person=person,
        link=link,
        # segno draws the SVG from our own link (URL-safe characters only): trusted markup.
        qr_svg=qr.svg_inline(scale=4, dark="#1b1f24", light="#ffffff"),
        hours=current_app.config["JIWAR_RESET_LINK_HOURS"],
        back_url=back_url,
    )


@bp.post("/admin/people/<int:user_id>/reset-link")
@admin_required
def admin_reset_link(user_id: int):
    person = get_person_or_404(user_id)
    try:
        link = services.issue_reset_link(me(), person)
    except AccountError as failure:
        flash(failure.message, "error")
        return redirect(url_for("accounts.admin_person", user_id=person.id), code=303)
    return _reset_link_page(person, link, url_for("accounts.admin_person", user_id=person.id))


# -- Organisers at the information desk ----------------------------------------------------------


@bp.get("/accounts/desk")
@desk_required
def desk_people():
    query = no_control_characters(request.args.get("q", "")).strip()[:100]
    people = queries.desk_search(query)
    return render_page_or_fragment(
        "accounts/desk_people.html", "accounts/_desk_results.html", people=people, q=query
    )


@bp.post("/accounts/desk/<int:user_id>/reset-link")
@desk_required
def desk_reset_link(user_id: int):
    person = get_desk_person_or_404(user_id)
    link = services.issue_reset_link(me(), person)
    return _reset_link_page(person, link, url_for("accounts.desk_people"))
