"""Every form's selects are written by LeanSelect: the same HTML as WTForms' own, faster."""

from hypothesis import given
from hypothesis import strategies as st
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select

from app.core.forms import JiwarForm, LeanSelect

labels = st.text(max_size=20)
choices = st.lists(st.builds(SelectChoice, st.text(min_size=1, max_size=12), labels), min_size=1,
                   max_size=8, unique_by=lambda choice: choice.value)


@given(choices=choices, pick=st.integers(0, 7))
def test_a_lean_select_writes_what_wtforms_writes(choices, pick):
    chosen = choices[pick % len(choices)].value

    class Single(Form):
        field = SelectField(choices=choices)

    class Multiple(Form):
        field = SelectMultipleField(choices=choices)

    for form_class, data in ((Single, chosen), (Multiple, [chosen])):
        field = form_class(data={"field": data}).field
        expected = Select(multiple=form_class is Multiple)(field)
        assert LeanSelect(multiple=form_class is Multiple)(field) == expected


def test_options_with_their_own_attributes_and_boolean_values_too():
    class Choices(Form):
        field = SelectField(
            choices=[SelectChoice(True, "Oui"), SelectChoice("a&b", '<"x">', render_kw={"disabled": True})],
            coerce=str,
        )

    field = Choices(data={"field": "a&b"}).field
    assert LeanSelect()(field) == Select()(field)
    assert '<option disabled selected value="a&amp;b">&lt;&#34;x&#34;&gt;</option>' in LeanSelect()(field)


def test_every_form_renders_its_selects_with_the_lean_widget(app):
    class Filters(JiwarForm):
        class Meta:
            csrf = False

        kind = SelectField(choices=[SelectChoice("", "All"), SelectChoice("workshop", "Atelier")])

    with app.test_request_context():
        form = Filters(data={"kind": "workshop"})
        html = form.kind()
        assert isinstance(form.kind.widget, LeanSelect)
        assert '<option selected value="workshop">Atelier</option>' in html
