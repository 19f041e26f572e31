"""The base of every form: Flask-WTF's, with files given only to file fields.

Flask-WTF hands a multipart request's files to every field, ahead of the text values: a file sent
under a text field's name reached its validators as a FileStorage (a 500). Here text fields read
the text values alone, and a file field its file.
"""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import escape
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.widgets import Select


class LeanSelect(Select):
    """WTForms' select with the same HTML, each plain option written by one f-string: WTForms
    builds every option through html_params and Markup.format, which was half of the report
    page's time (its event filter lists 300 events)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        return f'<option {selected}value="{escape(value)}">{escape(choice.label or choice.value)}</option>'


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

        def render_field(self, field, render_kw):
            if type(field.widget) is Select:
                field.widget = LeanSelect(multiple=field.widget.multiple)
            return super().render_field(field, render_kw)
