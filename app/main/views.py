"""Home page and the staff workspace."""

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required

from app.accounts.models import Role
from app.accounts.municipalities import municipalities_by_id
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
    # The signed-in user's roles come without their municipalities (app/accounts/session.py): one query.
    municipalities = {m.id: m for m in municipalities_by_id({a.municipality_id for a in current_user.roles})}
    by_role = {
        role: sorted({municipalities[a.municipality_id] for a in current_user.roles if a.role == role},
                     key=lambda m: m.slug)
        for role in Role
    }
    response = current_app.make_response(render_template("main/workspace.html", by_role=by_role, Role=Role))
    response.headers["Cache-Control"] = "no-store"
    return response
