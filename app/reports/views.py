"""STUB: replaced by the participation-tracking work."""

from flask import Blueprint, render_template

bp = Blueprint("reports", __name__)


@bp.get("/programmes")
def list_programmes():
    return render_template("placeholder.html", heading="Programmes")
