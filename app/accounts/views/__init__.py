"""The accounts blueprint: what its three view modules share (filters, access, the CSRF page).

public.py: signing up, in and out, password links; me.py: the person's own pages (profile, consent,
the page about their data: downloading it and deleting the account are app/privacy/views.py);
admin.py: administrators and the information desk.
"""

from functools import wraps

from flask import Blueprint, abort, current_app, g, make_response, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from app.accounts import services
from app.accounts.identifiers import format_phone, looks_like_email, normalise_email, phone_candidates
from app.accounts.models import Role, User
from app.accounts.permissions import can_administer_people
from app.accounts.session import enforce_session_timeouts
from app.core.urls import local_path
from app.extensions import db

bp = Blueprint("accounts", __name__)
bp.before_app_request(enforce_session_timeouts)


@bp.app_template_global()
def phone_display(e164):
    return format_phone(e164)


# Pages that are no place to come back to after signing in: the home page is where one lands anyway,
# and the others are the way in itself or a one-time step.
NO_RETURN = {"main.home", "accounts.sign_out", "accounts.reset_password", "accounts.confirm_account",
             "accounts.forgot_password"}


@bp.app_template_global()
def return_here() -> str | None:
    """The page that signing in or creating an account from this one comes back to (the `next` of
    the menu's links): this page, or on the sign-in and sign-up pages the one they were opened for.
    Only an address that GET can open again, and the same for every visitor of this one, so a
    public page stays the same bytes for all (app/core/http_cache.py)."""
    if request.endpoint in ("accounts.sign_in", "accounts.sign_up"):
        # What their view read from its form; never the body read here (an error page for a body
        # too large is rendered with this menu, and reading it again would raise once more).
        return g.get("return_here")
    if request.method != "GET" or request.endpoint is None or request.endpoint in NO_RETURN:
        return None
    return local_path(request.full_path.removesuffix("?"))


@bp.app_template_filter()
def role_label(value):
    return Role(value).label


@bp.app_template_global()
def person_name(person) -> str:
    """The name to show for an account or a participant: a deleted account is never named."""
    if getattr(person, "deleted_at", None) is not None or getattr(person, "erased_at", None) is not None:
        return _("Deleted account")
    return person.display_name


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
def csrf_failed(error, form_pages=FORM_PAGES):
    """Re-run the page's own view: its form fails validation on the token (nothing is written), and
    the page comes back with what was typed and a message to send it again. Another blueprint names
    its own form pages (the privacy one: deleting an account)."""
    from app.core.errors import render_error
    from app.core.security_log import csrf_refused

    csrf_refused(error)
    if request.endpoint not in form_pages:
        return render_error(400)
    g.csrf_failed = True
    response = make_response(current_app.view_functions[request.endpoint](**(request.view_args or {})))
    response.status_code = 400
    return response


def current_person() -> User:
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


def get_person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


def reset_link_page(person: User, link: str, back_url: str):
    """The one page that shows a password link, to hand over on screen (administrators and desk)."""
    from flask import render_template

    from app.core.qr import qr_svg

    return render_template(
        "accounts/reset_link_issued.html",
        person=person,
        link=link,
        qr_svg=qr_svg(link, scale=4),
        hours=current_app.config["JIWAR_RESET_LINK_HOURS"],
        back_url=back_url,
    )


from app.accounts.views import admin, me, municipalities, public  # noqa: E402, F401
