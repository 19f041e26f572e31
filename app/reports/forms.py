"""Forms of the reports domain: programmes, targets, attaching events and calls, report filters."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError

from app.accounts.models import Gender, Origin
from app.core.dates import refuse_out_of_range
from app.core.forms import JiwarForm, MultiCheckboxField
from app.core.translated import form_values, require_one_language, translated_fields
from app.events.models import EventType
from app.programmes.age_bands import AgeBandsError, parse_age_bands
from app.reports.models import Measure

REQUIRED = _l("This field is required.")
NOT_A_NUMBER = _l("Enter a whole number.")
NOT_A_DATE = _l("Enter a date (year-month-day).")


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the option objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


class DateInput(DateField):
    """A date field whose parse error is one of ours, translated like every other message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(NOT_A_DATE)) from error
        refuse_out_of_range(self)


class WholeNumberField(IntegerField):
    """A whole number whose parse error is one of ours."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(NOT_A_NUMBER)) from error


class ProgrammeForm(JiwarForm):
    name_fr, name_ar, name_en = translated_fields(_l("Name"), max_length=200)
    description_fr, description_ar, description_en = translated_fields(
        _l("Description"), max_length=5000, textarea=True
    )
    starts_on = DateInput(_l("Starts on"), validators=[InputRequired(NOT_A_DATE)])
    ends_on = DateInput(_l("Ends on"), validators=[InputRequired(NOT_A_DATE)])
    municipality_ids = MultiCheckboxField(_l("Municipalities"), coerce=int, validate_choice=False)
    is_public = BooleanField(_l("Public: anyone can see the programme page and its protected figures"))
    age_bands = StringField(_l("The programme's own age bands"), validators=[Optional(), Length(max=120)])

    def validate_age_bands(self, field):
        try:
            parse_age_bands(field.data)
        except AgeBandsError as error:
            raise ValidationError(str(error)) from error

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        message = _l("Name the programme in at least one language.")
        return require_one_language(self, "name", message) and valid

    def validate_municipality_ids(self, field):
        allowed = {choice.value for choice in field.choices}
        if not field.data or not set(field.data) <= allowed:
            raise ValidationError(_l("Choose at least one municipality."))


# The groups a share target can be about, named as a group ("women at least 50%").
SHARE_GROUPS = {
    f"gender:{Gender.WOMAN}": _l("Women"),
    f"gender:{Gender.MAN}": _l("Men"),
    f"origin:{Origin.HOST}": _l("Host community"),
    f"origin:{Origin.MIGRANT}": _l("Migrants"),
    f"origin:{Origin.REFUGEE}": _l("Refugees and asylum seekers"),
    f"origin:{Origin.RETURNEE}": _l("Returning migrants"),
}


def share_pairs() -> list[tuple[str, str]]:
    return [("", _l("No share target")), *SHARE_GROUPS.items()]


def share_choices() -> list[SelectChoice]:
    return options(share_pairs())


class TargetForm(JiwarForm):
    title_fr, title_ar, title_en = translated_fields(_l("Title"), max_length=200)
    measure = SelectField(
        _l("What is counted"),
        choices=options(Measure.choices()),
        validators=[AnyOf([m.value for m in Measure], message=_l("Choose from the list."))],
    )
    event_types = MultiCheckboxField(
        _l("Only these kinds of events (none ticked: all)"),
        choices=options(EventType.choices()),
        validate_choice=False,
    )
    age_min = WholeNumberField(
        _l("Lowest age at the date of the event"), validators=[Optional(), NumberRange(0, 120, NOT_A_NUMBER)]
    )
    age_max = WholeNumberField(
        _l("Highest age at the date of the event"), validators=[Optional(), NumberRange(0, 120, NOT_A_NUMBER)]
    )
    min_sessions = WholeNumberField(
        _l("Sessions a person must attend (for that measure)"),
        validators=[Optional(), NumberRange(1, 365, NOT_A_NUMBER)],
    )
    goal = WholeNumberField(
        _l("Number to reach"),
        validators=[InputRequired(NOT_A_NUMBER), NumberRange(1, 10_000_000, NOT_A_NUMBER)],
    )
    share = SelectField(_l("Share target on"), choices=share_choices, validate_choice=False)
    share_min_percent = WholeNumberField(
        _l("Minimum share (%)"),
        validators=[Optional(), NumberRange(1, 100, _l("Enter a percentage from 1 to 100."))],
    )

    walk_ins_as_people = BooleanField(
        _l("Count each anonymous walk-in as one more person (the figure is then an estimate)")
    )
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        message = _l("Give the target a title in at least one language.")
        return require_one_language(self, "title", message) and valid

    def validate_event_types(self, field):
        if not set(field.data or []) <= {member.value for member in EventType}:
            raise ValidationError(_l("Choose from the list."))

    def validate_share(self, field):
        if field.data and field.data not in {value for value, _label in share_pairs()}:
            raise ValidationError(_l("Choose a group from the list."))

    def target_data(self) -> dict:
        dimension, _sep, value = (self.share.data or "").partition(":")
        return {
            "title": form_values(self, "title"),
            "measure": self.measure.data,
            "event_types": ",".join(self.event_types.data or []),
            "age_min": self.age_min.data,
            "age_max": self.age_max.data,
            "min_sessions": self.min_sessions.data,
            "goal": self.goal.data,
            "share_dimension": dimension or None,
            "share_value": value or None,
            "share_min_percent": self.share_min_percent.data,
            "walk_ins_as_people": bool(self.walk_ins_as_people.data),
        }


class LinkForm(JiwarForm):
    kind = HiddenField(validators=[AnyOf(["event", "call"])])
    object_id = WholeNumberField(validators=[InputRequired(_l("Choose an event or a call."))])
    action = HiddenField(validators=[AnyOf(["attach", "detach"])])


class ListedChoice:
    """A select's value must be one of its choices (the empty "all" included)."""

    def __call__(self, form, field):
        if field.data and field.data not in {str(choice.value) for choice in field.choices}:
            raise ValidationError(_l("Choose from the list."))


def _filter_select(label, default=None, description=""):
    return SelectField(label, coerce=str, default=default, validate_choice=False, validators=[ListedChoice()],
                       description=description)


class ReportFilterForm(JiwarForm):
    """Read from the query string; a GET form needs no CSRF token."""

    class Meta:
        csrf = False

    programme = _filter_select(_l("Programme"))
    municipality = _filter_select(_l("Municipality"))
    event_type = _filter_select(_l("Kind of event"))
    event = _filter_select(
        _l("Event"),
        description=_l("Those of the programme, municipality, kind and dates chosen, the latest first."),
    )
    date_from = DateInput(_l("From"), validators=[Optional()])
    date_to = DateInput(_l("To"), validators=[Optional()])
    rows = _filter_select(_l("Cross: rows"), default="gender")
    columns = _filter_select(_l("Cross: columns"), default="origin")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def validate_columns(self, field):
        if (self.rows.data or "gender") == (field.data or "origin"):
            raise ValidationError(_l("Choose two different breakdowns to cross."))


class PeriodForm(JiwarForm):
    class Meta:
        csrf = False

    date_from = DateInput(_l("From"), validators=[Optional()])
    date_to = DateInput(_l("To"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))
