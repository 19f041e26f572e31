"""The form that types a paper attendance sheet back in (app/events/views/paper.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from app.accounts.models import Gender, Origin
from app.core.forms import JiwarForm
from app.core.urls import parse_id
from app.events.forms import select_choices
from app.events.models import AgeBand
from app.events.services import MAX_TALLY, TypedSheet, WalkInLine

BLANK_ROWS = 5  # rows of the form at first; "More rows" adds as many (no JS needed)
MAX_BLANK_ROWS = 200
# The tally boxes of the sheet: strokes per gender and age band (origin is not asked in a rush).
TALLY_GENDERS = (Gender.WOMAN, Gender.MAN)


def tally_name(gender: str, band: AgeBand) -> str:
    return f"{gender}_{band.name.lower()}"


class WalkInRowForm(Form):
    """One blank row of the sheet: a name, or the gender, age band and origin boxes ticked."""

    display_name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=80)],
                               render_kw={"maxlength": 80, "autocomplete": "off"})
    gender = SelectField(_l("Gender"), choices=select_choices(Gender.choices(), "—"), validators=[Optional()])
    age_band = SelectField(_l("Age band"), choices=select_choices(AgeBand.choices(), "—"),
                           validators=[Optional()])
    origin = SelectField(_l("Origin"), choices=select_choices(Origin.choices(), "—"), validators=[Optional()])


class TallyForm(Form):
    pass


for _gender in TALLY_GENDERS:
    for _band in AgeBand:
        setattr(TallyForm, tally_name(_gender, _band), IntegerField(
            validators=[Optional(), NumberRange(min=0, max=MAX_TALLY)],
            render_kw={"min": 0, "max": MAX_TALLY, "inputmode": "numeric"},
        ))


class PaperSheetForm(JiwarForm):
    walk_ins = FieldList(FormField(WalkInRowForm), min_entries=BLANK_ROWS, max_entries=MAX_BLANK_ROWS)
    tallies = FormField(TallyForm)
    confirmed = HiddenField()

    def typed(self, ticked: list[str]) -> TypedSheet:
        """What the organiser typed; a ticked value that is no id is kept as one no sheet holds (0),
        so the service refuses it with the sheet's own message."""
        tallies = {}
        for gender in TALLY_GENDERS:
            for band in AgeBand:
                count = self.tallies[tally_name(gender, band)].data
                if count:
                    tallies[(gender.value, band.value)] = count
        return TypedSheet(
            ticked=[parse_id(value) or 0 for value in ticked],
            walk_ins=[
                WalkInLine(
                    display_name=entry.form.display_name.data or "",
                    gender=entry.form.gender.data or "",
                    age_band=entry.form.age_band.data or "",
                    origin=entry.form.origin.data or "",
                )
                for entry in self.walk_ins
            ],
            tallies=tallies,
        )
