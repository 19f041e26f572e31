"""Home page, language switch and the staff workspace."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask_login import current_user, login_required

from app.accounts.models import Role
from app.accounts.services import set_preferred_locale
from app.core.fragments import shared_page
from app.core.urls import safe_next_path

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return shared_page("main/home.html", lambda: (render_template("main/home.html"), None), reads_data=False)


@bp.post("/language")
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)  # a translated "bad request" page, in the language already in use
    session["locale"] = language
    if current_user.is_authenticated:
        set_preferred_locale(current_user._get_current_object(), language)
    return redirect(safe_next_path(request.form.get("next")), code=303)


@bp.get("/workspace")
@login_required
def workspace():
    if not current_user.is_staff:
        abort(403)
    by_role = {
        role: sorted({a.municipality for a in current_user.roles if a.role == role}, key=lambda m: m.slug)
        for role in Role
    }
    response = current_app.make_response(render_template("main/workspace.html", by_role=by_role, Role=Role))
    response.headers["Cache-Control"] = "no-store"
    return response
