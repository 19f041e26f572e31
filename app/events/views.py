"""STUB: replaced by the events work."""

from flask import Blueprint, render_template

bp = Blueprint("events", __name__)


@bp.get("/events")
def list_events():
    return render_template("placeholder.html", heading="Events")


@bp.get("/me/events")
def my_events():
    return render_template("placeholder.html", heading="My events")


@bp.get("/manage/events")
def manage_events():
    return render_template("placeholder.html", heading="Manage events")


@bp.get("/desk")
def desk():
    return render_template("placeholder.html", heading="Desk")
