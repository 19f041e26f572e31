"""Forms of the events domain; labels are lazy so they are translated when the page renders."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.accounts.forms import Choice
from app.accounts.models import Gender, Origin
from app.accounts.queries import country_choices
from app.core.dates import DayInRangeField, MomentInRangeField
from app.core.forms import JiwarForm, MultiCheckboxField
from app.core.i18n import current_language
from app.core.languages import COMMON_LANGUAGES, language_name, parse_languages
from app.core.translated import require_one_language, translated_fields
from app.core.urls import MAX_ID, parse_id
from app.events.models import AgeBand, Audience, EventType
from app.events.recurrence_forms import NewEventRuleForm
from app.events.services import EventData, SessionData

LOCALES = ("fr", "ar", "en")


def _common_language_choices() -> list[SelectChoice]:
    """The languages offered as boxes, named in the reader's language (CLDR)."""
    reader = current_language()
    return [SelectChoice(code, language_name(code, reader)) for code in COMMON_LANGUAGES]


def select_choices(pairs, blank: str | None = None) -> list[SelectChoice]:
    """(value, label) pairs as WTForms wants them; `blank` adds an empty first option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice("" if value is None else str(value), label) for value, label in pairs]


def _optional_int(value):
    """An id from a select: past any row's id it is not a choice (the database would refuse to
    compare it: integer out of range on PostgreSQL, OverflowError on SQLite)."""
    if value in (None, ""):
        return None
    number = int(value)
    if abs(number) > MAX_ID:
        raise ValueError("not an id")
    return number


class SessionRowForm(Form):
    """One dated session as a row: day, start, end. A row left empty is dropped."""

    id = HiddenField()
    day = DayInRangeField(_l("Date"), validators=[Optional()])
    starts = TimeField(_l("Starts"), validators=[Optional()])
    ends = TimeField(_l("Ends"), validators=[Optional()])

    @property
    def is_blank(self) -> bool:
        return not (self.day.data or self.starts.data or self.ends.data)

    def validate_day(self, field):
        if not self.is_blank and not (self.day.data and self.starts.data and self.ends.data):
            raise ValidationError(_l("Give the date, the start and the end of each session."))


class EventForm(JiwarForm):
    version = HiddenField()
    title_fr, title_ar, title_en = translated_fields(_l("Title"), max_length=200)
    description_fr, description_ar, description_en = translated_fields(
        _l("Description"), textarea=True
    )
    event_type = SelectField(_l("Type"), choices=select_choices(EventType.choices()))
    municipality_id = SelectField(_l("Municipality"), coerce=_optional_int, validate_choice=False)
    venue_fr, venue_ar, venue_en = translated_fields(_l("Venue"), max_length=200)
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional()],
        description=_l("Leave empty when there is no limit on seats."),
    )
    registration_opens_at = MomentInRangeField(_l("Registration opens"), validators=[Optional()])
    registration_closes_at = MomentInRangeField(
        _l("Registration closes"),
        validators=[Optional()],
        description=_l("Leave empty to close registration when the first session starts."),
    )
    languages = MultiCheckboxField(_l("Languages spoken"), choices=_common_language_choices, default=["fr"])
    other_languages = StringField(
        _l("Other languages"),
        validators=[Length(max=300)],
        description=_l("Any other language, by name or code, separated by commas: Lingala, Soninke, snk."),
    )
    audience = SelectField(_l("Audience"), choices=select_choices(Audience.choices()))
    programme_id = SelectField(_l("Programme"), coerce=_optional_int, validate_choice=False)
    headcount_only = BooleanField(
        _l("Headcount only"),
        description=_l(
            "Outdoors or in a crowd, where names cannot be taken: the door shows only the counters and "
            "the walk-in tally, for every session. It can also be switched at the door."
        ),
    )
    sessions = FieldList(FormField(SessionRowForm), min_entries=1)
    repeat = FormField(NewEventRuleForm)  # a new event only: its sessions by rule

    def validate_other_languages(self, field):
        _codes, unknown = parse_languages(field.data or "", current_language())
        if unknown:
            message = _("Unknown language: %(names)s. Write its name or its code (wo for Wolof).",
                        names=", ".join(unknown))
            raise ValidationError(message)

    def spoken_languages(self) -> list[str]:
        chosen = [code for code in (self.languages.data or []) if code in COMMON_LANGUAGES]
        others, _unknown = parse_languages(self.other_languages.data or "", current_language())
        return chosen + [code for code in others if code not in chosen]

    def show_languages(self, codes: list[str]) -> None:
        self.languages.data = [code for code in codes if code in COMMON_LANGUAGES]
        others = [code for code in codes if code not in COMMON_LANGUAGES]
        self.other_languages.data = ", ".join(language_name(code, current_language()) for code in others)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return require_one_language(self, "venue", _l("Say where the event takes place.")) and valid

    def validate_capacity(self, field):
        # The message names the rule; NumberRange's own would say "at least 1" only in English.
        if field.data is not None and field.data <= 0:
            raise ValidationError(
                _l("The capacity must be a whole number above zero, or left empty for no limit.")
            )

    def to_data(self) -> EventData:
        return EventData(
            municipality_id=self.municipality_id.data,
            event_type=self.event_type.data,
            venues={code: getattr(self, f"venue_{code}").data for code in LOCALES},
            titles={code: getattr(self, f"title_{code}").data for code in LOCALES},
            descriptions={code: getattr(self, f"description_{code}").data for code in LOCALES},
            sessions=[
                SessionData(
                    day=entry.form.day.data,
                    starts=entry.form.starts.data,
                    ends=entry.form.ends.data,
                    id=parse_id(entry.form.id.data),
                )
                for entry in self.sessions
                if not entry.form.is_blank
            ],
            capacity=self.capacity.data,
            registration_opens_at=self.registration_opens_at.data,
            registration_closes_at=self.registration_closes_at.data,
            languages=self.spoken_languages(),
            audience=self.audience.data,
            programme_id=self.programme_id.data,
            headcount_only=self.headcount_only.data,
        )


class CardHolderForm(JiwarForm):
    municipality_id = SelectField(
        _l("Desk of"),
        coerce=_optional_int,
        validate_choice=False,  # the service checks it against the organiser's municipalities
        description=_l("The organisers of this municipality (and of its programmes) serve the card holder."),
    )
    display_name = StringField(
        _l("Name or nickname"), validators=[Length(max=80)], render_kw={"maxlength": 80}
    )
    phone = StringField(
        _l("Phone (optional, may be shared)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"maxlength": 20, "type": "tel"},
    )
    phone_shared = BooleanField(
        _l("This phone is shared with others: SMS will say nothing personal"), default=True
    )
    gender = SelectField(_l("Gender"), choices=select_choices(Gender.choices(), "—"), validators=[Optional()])
    birth_year = IntegerField(_l("Year of birth"), validators=[Optional(), NumberRange(min=1900, max=2030)])
    origin = SelectField(_l("Origin"), choices=select_choices(Origin.choices(), "—"), validators=[Optional()])
    country_code = SelectField(
        _l("Country of origin"), validators=[Optional(), Choice(_l("Choose a country from the list."))],
        validate_choice=False,
    )
    consent = BooleanField(_l("The person agreed that this participation data is recorded"))

    def __init__(self, *args, language: str = "fr", **kwargs):
        super().__init__(*args, **kwargs)
        # Names in the reader's language, as on the profile's page: a code is never shown.
        self.country_code.choices = [("", "—"), *country_choices(language)]


class LinkAccountForm(JiwarForm):
    # Typed from the card the person holds, never filled in: the person is at the desk.
    card_code = StringField(
        _l("Code printed on the person's card"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    account = StringField(_l("Email address or phone number of the account"))


class ConfirmLinkForm(JiwarForm):
    move_answers = BooleanField(_l("I agree that the answers recorded at the desk are added to my account"))


class RegisterCardHolderForm(JiwarForm):
    event_id = SelectField(_l("Event"), coerce=_optional_int, validate_choice=False)


class WalkInForm(JiwarForm):
    display_name = StringField(
        _l("Name (optional)"), validators=[Optional(), Length(max=80)], render_kw={"maxlength": 80}
    )
    gender = SelectField(_l("Gender"), choices=select_choices(Gender.choices(), "—"), validators=[Optional()])
    age_band = SelectField(
        _l("Age band"), choices=select_choices(AgeBand.choices(), "—"), validators=[Optional()]
    )
    origin = SelectField(_l("Origin"), choices=select_choices(Origin.choices(), "—"), validators=[Optional()])


class OrganiserMessageForm(JiwarForm):
    # No Length validator: the service's check gives the message that says why (SMS), per language.
    text_fr, text_ar, text_en = translated_fields(
        _l("Message to everyone registered (confirmed and waiting)"), textarea=True,
        render_kw={"maxlength": 300, "rows": 3},
    )
    confirmed = HiddenField()
