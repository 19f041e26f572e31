"""The preferences form: labels and choices through the catalogs."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import JiwarForm
from app.core.i18n import LANGUAGE_NAMES
from app.messages.kinds import TOPIC_LABELS
from app.messages.models import Channel


class PreferencesForm(JiwarForm):
    channel = RadioField(
        _l("How should Jiwar reach you?"),
        choices=[
            SelectChoice(Channel.EMAIL, _l("By email")),
            SelectChoice(Channel.SMS, _l("By SMS")),
            SelectChoice(Channel.NONE, _l("No messages (codes and password links still reach you)")),
        ],
        validate_choice=False,  # the service says what is wrong, in the reader's language
    )
    language = SelectField(
        _l("Language of the messages"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validate_choice=False,
    )
    topics = SelectMultipleField(
        _l("Messages you want"),
        choices=[SelectChoice(topic, label) for topic, label in TOPIC_LABELS.items()],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=False,
    )
    phone_shared = BooleanField(
        _l("My phone is shared with others: SMS say nothing personal (no event title, no name)")
    )
