"""The HSDS exchange: the public export (public entries only) and the import page."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.http_cache import public_page
from app.directory import hsds, permissions
from app.directory.forms import ImportForm
from app.directory.views import bp
from app.directory.views.manage import _municipality_choices

MAX_IMPORT_BYTES = 30 * 1024 * 1024


@bp.get("/directory/hsds.json")
@public_page
def export_json():
    response = Response(hsds.export_json(hsds.public_entries()), mimetype="application/json")
    response.headers["Content-Disposition"] = "attachment; filename=jiwar-directory-hsds.json"
    return response


@bp.get("/directory/hsds-csv.zip")
@public_page
def export_csv():
    response = Response(hsds.export_csv_zip(hsds.public_entries()), mimetype="application/zip")
    response.headers["Content-Disposition"] = "attachment; filename=jiwar-directory-hsds-csv.zip"
    return response


@bp.route("/manage/directory/exchange", methods=["GET", "POST"])
@login_required
def exchange():
    if not permissions.can_edit_any(current_user):
        abort(403)
    form = ImportForm()
    form.municipality_id.choices = _municipality_choices()
    errors = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        raw = b""
        if upload and getattr(upload, "filename", ""):
            try:
                raw = upload.read(MAX_IMPORT_BYTES + 1)
            finally:
                upload.close()  # the spooled temporary file of a large upload
        if not raw:
            form.file.errors = [_("Choose a file.")]
            status = 422
        elif len(raw) > MAX_IMPORT_BYTES:
            form.file.errors = [_("The file is too large: 30 MB at most.")]
            status = 422
        else:
            try:
                count = hsds.import_services(current_user, raw, upload.filename, form.municipality_id.data)
            except hsds.ImportRefused as refused:
                errors = refused.errors
                status = 422
            else:
                flash(_("%(count)s entries imported.", count=count), "success")
                return redirect(url_for("directory.manage_services"), 303)
    elif form.is_submitted():
        status = 422
    return render_template("directory/manage/exchange.html", form=form, errors=errors), status
