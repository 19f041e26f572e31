"""Home page, language switch and the staff workspace."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask_login import current_user, login_required

from app.core.urls import safe_next_path
from app.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("main/home.html")


@bp.post("/language")
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = language
    if current_user.is_authenticated and current_user.preferred_locale != language:
        current_user.preferred_locale = language
        db.session.commit()
    return redirect(safe_next_path(request.form.get("next")), code=303)


@bp.get("/workspace")
@login_required
def workspace():
    if not (current_user.is_admin or current_user.roles):
        abort(403)
    return render_template("main/workspace.html")
