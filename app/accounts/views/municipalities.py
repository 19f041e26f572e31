"""Administrators add municipalities and correct their names."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import municipalities
from app.accounts.forms import MunicipalityForm
from app.accounts.views import admin_required, bp
from app.core.i18n import current_language


@bp.get("/admin/municipalities")
@admin_required
def admin_municipalities():
    names = dict(municipalities.country_choices(current_language()))
    listed = municipalities.all_municipalities()
    return render_template("accounts/admin_municipalities.html", municipalities=listed, countries=names)


_FIELDS = ("slug", "name_fr", "name_ar", "name_en", "country_code")


def _form_page(form: MunicipalityForm, municipality=None):
    form.country_code.choices = [("", _("Choose…")), *municipalities.country_choices(current_language())]
    if form.validate_on_submit():
        try:
            fields = {name: form[name].data or "" for name in _FIELDS}
            saved = municipalities.save_municipality(current_user, municipality, **fields)
        except municipalities.MunicipalityError as error:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            flash(_("Municipality saved."), "success")
            listed = url_for("accounts.admin_municipalities", _anchor=f"municipality-{saved.id}")
            return redirect(listed, code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/municipality_form.html", form=form, municipality=municipality), status


@bp.route("/admin/municipalities/new", methods=["GET", "POST"])
@admin_required
def new_municipality():
    return _form_page(MunicipalityForm())


@bp.route("/admin/municipalities/<int:municipality_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_municipality(municipality_id: int):
    municipality = municipalities.get_municipality(municipality_id) or abort(404)
    return _form_page(MunicipalityForm(obj=municipality), municipality)
