"""Forms about people. Each validator says, in the reader's language, what to change."""

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, StopValidation

from app.accounts.identifiers import DEFAULT_REGION, normalise_email, normalise_phone
from app.accounts.models import Gender, Municipality, Origin, Role
from app.accounts.passwords import MAX_LENGTH, password_problem
from app.core.dates import refuse_out_of_range
from app.core.forms import JiwarForm
from app.core.security_log import security_event
from app.extensions import db


class AccountForm(JiwarForm):
    """A form sent about an account: a refusal reaches the security log (ASVS 16.3.3), with the form
    and the names of the fields refused, never what was typed in them."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not valid and self.is_submitted():
            security_event("form.refused", form=type(self).__name__, fields=",".join(sorted(self.errors)))
        return valid


class Choice:
    """The value must be one of the field's choices (our own translated message, not WTForms')."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        allowed = {str(value) for value, _label in field.choices}
        if field.data not in (None, "") and str(field.data) not in allowed:
            raise StopValidation(str(self.message))


def no_control_characters(value):
    """Filter: drop NUL and other control characters a keyboard never types (PostgreSQL refuses NUL
    in text), keep tabs and line breaks out of one-line fields too."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if ch.isprintable() or ch == " ")


CLEAN = [no_control_characters]


def _required(message):
    return DataRequired(message=message)


def municipality_choices(language: str) -> list[tuple[str, str]]:
    from app.accounts.queries import municipalities

    return [("", _l("— Not said —"))] + [(str(m.id), m.name(language)) for m in municipalities()]


def chosen_municipality(field) -> Municipality | None:
    value = str(field.data or "")
    return db.session.get(Municipality, int(value)) if value.isdigit() and len(value) < 10 else None


class YearField(IntegerField):
    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(str(_l("Give a year with four digits, for example 1990."))) from None


class DayField(DateField):
    """A date typed as YYYY-MM-DD (what <input type="date"> sends), with our translated message."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = date.fromisoformat(valuelist[0].strip()[:10])
            except ValueError:
                self.data = None
                raise ValueError(str(_l("Give a date such as 2026-03-31."))) from None
            refuse_out_of_range(self)


class NewPasswordMixin:
    """A new password typed twice. Subclasses list the identifiers it must not equal."""

    password = PasswordField(
        _l("Password"),
        validators=[_required(_l("Choose a password."))],  # its length: password_problem()
        description=_l("At least 8 characters. A short sentence is easy to remember and hard to guess."),
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[
            _required(_l("Type the password a second time.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )

    def password_context(self) -> tuple[str, ...]:
        return ()

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.password_context())
        if problem:
            raise StopValidation(problem)


class SignUpForm(NewPasswordMixin, AccountForm):
    display_name = StringField(
        _l("Your name"),
        filters=CLEAN,
        validators=[_required(_l("Tell us the name to show.")), Length(max=80)],
        description=_l("The name other people see, for example on proposals. A first name is enough."),
    )
    email = StringField(_l("Email address (optional)"), filters=CLEAN, validators=[Length(max=254)])
    phone = StringField(
        _l("Phone number (optional)"),
        filters=CLEAN,
        validators=[Length(max=30)],
        description=_l(
            "Give an email address, a phone number or both. Example: 0612 34 56 78 or +216 20 123 456."
        ),
    )
    municipality = SelectField(
        _l("Your municipality"), validators=[Choice(_l("Choose a municipality from the list."))],
        validate_choice=False,
    )
    next = HiddenField(filters=CLEAN)  # the page to come back to once signed in

    def __init__(self, *args, language: str = "fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality.choices = municipality_choices(language)
        self.normalised_email = None
        self.normalised_phone = None

    def password_context(self):
        return (self.email.data or "", self.phone.data or "", self.display_name.data or "",
                self.normalised_phone or "")

    def validate_email(self, field):
        try:
            self.normalised_email = normalise_email(field.data)
        except ValueError:
            raise StopValidation(
                _l("This email address does not look right. Example: name@example.org")
            ) from None

    def validate_phone(self, field):
        if not (field.data or "").strip():
            if not (self.email.data or "").strip():
                raise StopValidation(_l("Give an email address or a phone number."))
            return
        municipality = chosen_municipality(self.municipality)  # says how to read a local number
        region = municipality.country_code if municipality else DEFAULT_REGION
        try:
            self.normalised_phone = normalise_phone(field.data, region)
        except ValueError:
            raise StopValidation(
                _l("This phone number does not look right. Example: 0612 34 56 78 or +216 20 123 456.")
            ) from None


class SignInForm(AccountForm):
    identifier = StringField(
        _l("Email address or phone number"),
        filters=CLEAN,
        validators=[_required(_l("Give your email address or phone number.")), Length(max=254)],
    )
    password = PasswordField(_l("Password"), validators=[_required(_l("Give your password.")),
                                                         Length(max=MAX_LENGTH)])
    next = HiddenField(filters=CLEAN)


class ForgotPasswordForm(AccountForm):
    identifier = StringField(
        _l("Email address or phone number"),
        filters=CLEAN,
        validators=[_required(_l("Give your email address or phone number.")), Length(max=254)],
    )


class ResetPasswordForm(NewPasswordMixin, AccountForm):
    pass


class ChangePasswordForm(NewPasswordMixin, AccountForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[_required(_l("Give your current password."))])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def password_context(self):
        if self.user is None:
            return ()
        return (self.user.email or "", self.user.phone or "", self.user.display_name or "")


def language_choices():
    from app.core.i18n import LANGUAGE_NAMES

    return [(code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]]


class ProfileForm(AccountForm):
    display_name = StringField(
        _l("Your name"),
        filters=CLEAN,
        validators=[_required(_l("Tell us the name to show.")), Length(max=80)],
    )
    preferred_locale = SelectField(
        _l("Language"), validators=[_required(_l("Choose one of the languages offered.")),
                                    Choice(_l("Choose one of the languages offered."))],
        validate_choice=False,
    )
    municipality = SelectField(
        _l("Your municipality"), validators=[Choice(_l("Choose a municipality from the list."))],
        validate_choice=False,
    )

    def __init__(self, *args, language: str = "fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.preferred_locale.choices = language_choices()
        self.municipality.choices = municipality_choices(language)


class ConsentForm(AccountForm):
    consent = BooleanField(
        _l("I have read why these details are asked and who sees them, and I agree to give them."),
        validators=[_required(_l("Tick the box to agree, or leave this page: these details are optional."))],
    )


class ParticipationForm(AccountForm):
    gender = SelectField(_l("Gender"), validators=[Optional(), Choice(_l("Choose an answer from the list."))],
                         validate_choice=False)
    birth_year = YearField(
        _l("Year of birth"),
        validators=[Optional(), NumberRange(min=1900, max=date.today().year,
                                            message=_l("Give a year between 1900 and this year."))],
    )
    origin = SelectField(
        _l("You are"), validators=[Optional(), Choice(_l("Choose an answer from the list."))],
        validate_choice=False,
    )
    country_code = SelectField(_l("Country of origin"),
                               validators=[Optional(), Choice(_l("Choose a country from the list."))],
                               validate_choice=False)

    def __init__(self, *args, language: str = "fr", **kwargs):
        from app.accounts.queries import country_choices

        super().__init__(*args, **kwargs)
        self.birth_year.validators[1].max = date.today().year
        blank = [("", _l("— Not said —"))]
        self.gender.choices = blank + Gender.choices()
        self.origin.choices = blank + Origin.choices()
        self.country_code.choices = blank + country_choices(language)


class GrantRoleForm(AccountForm):
    role = SelectField(_l("Role"), validators=[_required(_l("Choose a role.")), Choice(_l("Choose a role."))],
                       validate_choice=False)
    municipality = SelectField(
        _l("Municipality"),
        validators=[_required(_l("Choose a municipality from the list.")),
                    Choice(_l("Choose a municipality from the list."))],
        validate_choice=False,
    )

    def __init__(self, *args, language: str = "fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = Role.choices()
        self.municipality.choices = [c for c in municipality_choices(language) if c[0]]


class DeskPresenceForm(AccountForm):
    """What the person at the desk says, typed by the organiser: never shown beforehand."""

    said = StringField(_l("What the person says"), validators=[Length(max=254)])


class DeleteAccountForm(AccountForm):
    password = PasswordField(
        _l("Your password"), validators=[_required(_l("Give your password to confirm."))]
    )
    confirm = BooleanField(
        _l("I understand that my account and my personal data will be erased for good."),
        validators=[_required(_l("Tick the box to confirm that you want to delete your account."))],
    )


class AuditFilterForm(JiwarForm):
    """The audit log's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional(), Choice(_l("Choose an action from the list."))],
                         validate_choice=False)
    since = DayField(_l("From"), validators=[Optional()])
    until = DayField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        from app.accounts.audit_actions import ACTION_LABELS

        super().__init__(*args, **kwargs)
        labels = sorted(ACTION_LABELS.items(), key=lambda item: str(item[1]).casefold())
        self.action.choices = [("", _l("All actions"))] + labels

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.since.data and self.until.data and self.since.data > self.until.data:
            self.until.errors = [*self.until.errors, str(_l("The end date comes before the start date."))]
            return False
        return valid


class MunicipalityForm(JiwarForm):
    name_fr = StringField(
        _l("Name in French"), validators=[DataRequired(_l("Give the name.")), Length(max=120)], filters=CLEAN
    )
    name_ar = StringField(
        _l("Name in Arabic"), validators=[Optional(), Length(max=120)], filters=CLEAN,
        description=_l("Left empty, the French name is shown."),
    )
    name_en = StringField(
        _l("Name in English"), validators=[Optional(), Length(max=120)], filters=CLEAN,
        description=_l("Left empty, the French name is shown."),
    )
    slug = StringField(
        _l("Short name in web addresses"),
        validators=[DataRequired(_l("Give a short name.")), Length(max=60)],
        filters=CLEAN,
        description=_l(
            "Lowercase letters, digits and hyphens, such as la-marsa. Links with the old one stop working."
        ),
    )
    country_code = SelectField(
        _l("Country"), validators=[Choice(_l("Choose a country from the list."))], validate_choice=False
    )


class ConfirmCodeForm(AccountForm):
    code = StringField(
        _l("6-digit code"),
        validators=[_required(_l("Type the code from the SMS."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 12},
    )
    next = HiddenField(filters=CLEAN)  # the page whose button asked for a confirmed account
