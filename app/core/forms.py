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
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if not isinstance(formdata, CombinedMultiDict):
                return formdata
            file_names = {field.name for field in form if isinstance(field, FileField)}
            files = MultiDict([(name, file) for name, file in request.files.items(multi=True)
                               if name in file_names])
            return CombinedMultiDict((files, request.form))

