"""Forms of the directory; labels and messages are lazily translated."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import WEEKDAY_LABELS, JiwarForm, MultiCheckboxField
from app.core.translated import form_values, translated_fields
from app.directory.models import ProviderKind, Sensitivity
from app.directory.needs import Need
from app.directory.services import MAX_LENGTHS, ServiceData


def _choices(enum) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in enum.choices()]


def _strip(value):
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class _Coordinate(FloatField):
    """A decimal number; "34,68" typed with a comma is read as 34.68."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].replace(",", ".").strip()]
        super().process_formdata(valuelist)


class ServiceForm(JiwarForm):
    municipality_id = SelectField(_l("Municipality"), coerce=int)
    seen = HiddenField()  # when the entry was last saved, as the form was opened (services.update_service)
    # Each text in three languages, grouped as on the event form; a name in at least one language is
    # the service's rule (services.problems), shown under the French field.
    name_fr, name_ar, name_en = translated_fields(_l("Name"), max_length=MAX_LENGTHS["name"])
    description_fr, description_ar, description_en = translated_fields(_l("Description"), textarea=True)
    provider_name = StringField(_l("Provider"), filters=[_strip])
    provider_kind = SelectField(_l("Kind of provider"), choices=_choices(ProviderKind))
    needs = MultiCheckboxField(_l("Needs it answers"), choices=_choices(Need))
    address_fr, address_ar, address_en = translated_fields(_l("Address"), max_length=MAX_LENGTHS["address"])
    # Numbers read left to right in Arabic too: without dir="ltr", -1.91 shows as 1.91-.
    latitude = _Coordinate(
        _l("Latitude"), validators=[Optional()], description=_l("Optional, e.g. 34.6814 (from -90 to 90)."),
        render_kw={"dir": "ltr", "inputmode": "decimal"},
    )
    longitude = _Coordinate(
        _l("Longitude"),
        validators=[Optional()],
        description=_l("Optional, e.g. -1.9086 (from -180 to 180)."),
        render_kw={"dir": "ltr", "inputmode": "decimal"},
    )
    walk_in = BooleanField(_l("Walk in, no appointment"))
    by_appointment = BooleanField(_l("By appointment"))
    by_referral = BooleanField(_l("On referral"))
    hotline = BooleanField(_l("By telephone (hotline)"))
    no_documents_needed = BooleanField(_l("No documents needed"))
    eligibility_fr, eligibility_ar, eligibility_en = translated_fields(_l("Who may use it"), textarea=True)
    is_free = BooleanField(_l("Free of charge"))
    cost_note_fr, cost_note_ar, cost_note_en = translated_fields(
        _l("Cost"), max_length=MAX_LENGTHS["cost_note"]
    )
    languages = StringField(
        _l("Languages spoken"),
        filters=[_strip],
        description=_l("Language codes, separated by commas: fr, ar, ary (Darija), zgh (Tamazight), "
                       "wo (Wolof), ha (Hausa), dje (Zarma), bm (Bambara), en."),
    )
    phone = StringField(
        _l("Telephone"), filters=[_strip], description=_l("With the country code: +212 5 36 00 00 00"),
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    whatsapp = StringField(_l("WhatsApp"), filters=[_strip], render_kw={"dir": "ltr", "inputmode": "tel"})
    sensitivity = RadioField(_l("Who may see it"), choices=_choices(Sensitivity), default=Sensitivity.PUBLIC)
    hours_0 = StringField(WEEKDAY_LABELS[0], filters=[_strip])
    hours_1 = StringField(WEEKDAY_LABELS[1], filters=[_strip])
    hours_2 = StringField(WEEKDAY_LABELS[2], filters=[_strip])
    hours_3 = StringField(WEEKDAY_LABELS[3], filters=[_strip])
    hours_4 = StringField(WEEKDAY_LABELS[4], filters=[_strip])
    hours_5 = StringField(WEEKDAY_LABELS[5], filters=[_strip])
    hours_6 = StringField(WEEKDAY_LABELS[6], filters=[_strip])
    exceptions = TextAreaField(
        _l("Dated exceptions"),
        filters=[_strip],
        description=_l("One period a line: 2026-12-25: closed, or 2027-02-18..2027-03-19: 10:00-15:00."),
    )

    def data_for(self) -> ServiceData:
        return ServiceData(
            municipality_id=self.municipality_id.data,
            provider_name=self.provider_name.data or "",
            provider_kind=self.provider_kind.data,
            name=form_values(self, "name"),
            description=form_values(self, "description"),
            eligibility=form_values(self, "eligibility"),
            address=form_values(self, "address"),
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            needs=list(self.needs.data or []),
            languages=[c for c in (self.languages.data or "").replace(";", ",").split(",") if c.strip()],
            walk_in=self.walk_in.data,
            by_appointment=self.by_appointment.data,
            by_referral=self.by_referral.data,
            hotline=self.hotline.data,
            no_documents_needed=self.no_documents_needed.data,
            is_free=self.is_free.data,
            cost_note=form_values(self, "cost_note"),
            phone=self.phone.data or "",
            whatsapp=self.whatsapp.data or "",
            sensitivity=self.sensitivity.data,
            weekly_hours={day: getattr(self, f"hours_{day}").data or "" for day in range(7)},
            exceptions=self.exceptions.data or "",
        )


class ReportForm(JiwarForm):
    reason = TextAreaField(
        _l("What is wrong?"),
        filters=[_strip],
        description=_l("For example: the address moved, the phone number no longer answers, it closed."),
        validators=[
            DataRequired(_l("Say what is wrong.")),
            Length(min=5, max=2000, message=_l("Say what is wrong in 5 to 2,000 characters.")),
        ],
    )


class ConfirmForm(JiwarForm):
    """A button and its CSRF token: verify, retire, resolve."""


class ImportForm(JiwarForm):
    municipality_id = SelectField(_l("Municipality of the imported entries"), coerce=int)
    file = FileField(
        _l("HSDS file"), description=_l("A JSON file, or a zip of HSDS CSV files (services.csv, ...).")
    )
