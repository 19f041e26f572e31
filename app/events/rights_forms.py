"""Forms of the card holders' data rights at the desk (app/privacy/views.py): each asks
for the code read from the card, the sign that the person is there."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from app.core.forms import JiwarForm
from app.core.i18n import LANGUAGE_NAMES

_CODE_HINT = _l("Type the code printed on the card the person shows you (e.g. K7MW-4QXA).")


def _code_field():
    return StringField(
        _l("Code read from the card"),
        validators=[InputRequired(_l("Type the code printed on the card.")), Length(max=20)],
        description=_CODE_HINT,
        render_kw={
            "maxlength": 20, "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"
        },
    )


class CardDataForm(JiwarForm):
    code = _code_field()
    language = SelectField(
        _l("Language of the data"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],  # named in itself
        description=_l("The language the person reads."),
    )


class WithdrawConsentForm(JiwarForm):
    code = _code_field()


class EraseCardHolderForm(JiwarForm):
    code = _code_field()
    confirm = BooleanField(
        _l("The person asked to be erased and understands it cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm that this person is erased."))],
    )
