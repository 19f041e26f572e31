"""Home page and the staff workspace."""

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required

from app.accounts.models import Role
from app.core.http_cache import public_page

bp = Blueprint("main", __name__)


@bp.get("/")
@public_page
def home():
    return render_template("main/home.html")


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
