"""STUB: replaced by the proposals work."""

from flask import Blueprint, render_template

bp = Blueprint("proposals", __name__)


@bp.get("/calls")
def list_calls():
    return render_template("placeholder.html", heading="Calls")


@bp.get("/me/proposals")
def my_proposals():
    return render_template("placeholder.html", heading="My proposals")


@bp.get("/manage/calls")
def manage_calls():
    return render_template("placeholder.html", heading="Manage calls")
