"""The desk's forms: a visit in one short form, and a referral's outcome."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.accounts.models import AgeBand, Gender, Origin
from app.core.forms import JiwarForm
from app.core.urls import parse_id
from app.directory.forms import CheckboxesField
from app.directory.needs import Need
from app.directory.visit_services import VisitData
from app.directory.visits import ReferralOutcome


def _choices(pairs, blank: str | None = None) -> list[SelectChoice]:
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(str(value), label) for value, label in pairs]


class VisitForm(JiwarForm):
    municipality_id = SelectField(_l("Desk of"), validate_choice=False)
    topics = CheckboxesField(_l("Topics"), choices=_choices(Need.choices()), validate_choice=False)
    service_ids = CheckboxesField(_l("Referred to"), validate_choice=False)
    card_code = StringField(
        _l("Participant card code (optional)"),
        validators=[Optional(), Length(max=20)],
        description=_l(
            "Only if the person shows their card and agrees: the visit then counts with the "
            "answers they gave for their card, and no others are asked."
        ),
        render_kw={
            "maxlength": 20,
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
        },
    )
    gender = SelectField(_l("Gender"), choices=_choices(Gender.choices(), "—"), validate_choice=False)
    age_band = SelectField(_l("Age band"), choices=_choices(AgeBand.choices(), "—"), validate_choice=False)
    origin = SelectField(_l("Origin"), choices=_choices(Origin.choices(), "—"), validate_choice=False)

    def to_data(self) -> VisitData:
        return VisitData(
            municipality_id=parse_id(self.municipality_id.data),
            topics=list(self.topics.data or []),
            service_ids=[n for n in (parse_id(v) for v in self.service_ids.data or []) if n is not None],
            card_code=self.card_code.data or "",
            gender=self.gender.data or None,
            age_band=self.age_band.data or None,
            origin=self.origin.data or None,
        )


class OutcomeForm(JiwarForm):
    outcome = RadioField(
        _l("What came of it"), choices=_choices(ReferralOutcome.choices()), validate_choice=False
    )
