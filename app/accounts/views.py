"""STUB: replaced by the foundation work (sign-up, sign-in, profile, admin)."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import logout_user

bp = Blueprint("accounts", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    return render_template("placeholder.html", heading="Sign in")


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up():
    return render_template("placeholder.html", heading="Sign up")


@bp.post("/sign-out")
def sign_out():
    logout_user()
    return redirect(url_for("main.home"), code=303)


@bp.get("/me")
def profile():
    return render_template("placeholder.html", heading="Profile")


@bp.get("/admin/people")
def admin_people():
    return render_template("placeholder.html", heading="People")
