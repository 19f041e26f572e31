"""The base of every form: Flask-WTF's, with files given only to file fields.

Flask-WTF hands a multipart request's files to every field, ahead of the text values: a file sent
under a text field's name reached its validators as a FileStorage (a 500). Here text fields read
the text values alone, and a file field its file.
"""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import CombinedMultiDict, MultiDict


class JiwarForm(FlaskForm):
    def show_refusal(self, error) -> None:
        """A service's refusal (a domain error with a message and maybe a field's name) shown on
        that field, else above the form; what was typed stays."""
        field = getattr(self, error.field, None) if getattr(error, "field", None) else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            self.form_errors.append(error.message)

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if not isinstance(formdata, CombinedMultiDict):
                return formdata
            file_names = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict([(name, file) for name, file in request.files.items(multi=True)
                               if name in file_names])
            return CombinedMultiDict((files, request.form))

