"""Forms of the proposals domain; labels and messages are lazily translated."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.core.dates import MomentInRangeField
from app.core.forms import JiwarForm
from app.core.translated import CONTENT_LANGUAGES, require_one_language, translated_fields
from app.proposals.models import ANSWER_STATUSES, Channel, ProposalStatus

TITLE_MAX = 150
DESCRIPTION_MIN = 30
DESCRIPTION_MAX = 5000


def _strip(value):
    # PostgreSQL refuses NUL in text (a 500 on save); no keyboard types it, so it is dropped.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class ProposalForm(JiwarForm):
    title = StringField(
        _l("Title"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Give your proposal a title.")),
            Length(min=5, max=TITLE_MAX, message=_l("The title takes 5 to 150 characters.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        filters=[_strip],
        description=_l("What would change in the neighbourhood, for whom, and how. 30 to 5,000 characters."),
        validators=[
            DataRequired(_l("Describe your proposal.")),
            Length(
                min=DESCRIPTION_MIN,
                max=DESCRIPTION_MAX,
                message=_l("The description takes 30 to 5,000 characters."),
            ),
        ],
    )
    category_id = SelectField(
        _l("Category"), coerce=int, validators=[InputRequired(_l("Choose one of the call's categories."))]
    )
    place = StringField(
        _l("Neighbourhood or place"),
        filters=[_strip],
        validators=[Optional(), Length(max=150, message=_l("The place takes at most 150 characters."))],
    )
    estimated_cost = DecimalField(
        _l("Estimated cost (optional)"),
        places=2,
        description=_l("In the local currency, if you have an idea."),
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000_000, message=_l("Give a cost between 0 and 100,000,000.")),
        ],
    )
    photo = FileField(_l("Photo (optional)"), description=_l("JPEG, PNG or WebP, 5 MB at most."))
    remove_photo = BooleanField(_l("Remove the current photo"))

    def set_categories(self, call):
        self.category_id.choices = [SelectChoice(c.id, c.name) for c in call.categories]


class AssistedProposalForm(ProposalForm):
    channel = RadioField(
        _l("How did the proposal reach you?"),
        # The lazy labels, translated when the form is shown (`label` would fix English at import).
        choices=[SelectChoice(value, label) for value, label in Channel.choices() if value != Channel.ONLINE],
        default=Channel.PAPER.value,
        validators=[InputRequired(_l("Choose how the proposal reached you."))],
    )
    group_name = StringField(
        _l("Name of the group (for a group at an event)"),
        filters=[_strip],
        validators=[Optional(), Length(max=150, message=_l("The name takes at most 150 characters."))],
    )
    card_code = StringField(
        _l("Participant card code (optional)"),
        filters=[_strip],
        description=_l("Only with the person's agreement: the proposal then appears in their account."),
        validators=[Optional(), Length(max=20)],
    )
    consent = BooleanField(_l("The person agrees that this proposal is linked to their card."))
    member_codes = TextAreaField(
        _l("Card codes of the group's members (optional)"),
        filters=[_strip],
        description=_l(
            "One code per line or separated by commas, only with each member's agreement. A code typed "
            "twice, or the card above, counts once. Members are never shown by name."
        ),
        validators=[Optional(), Length(max=6000, message=_l("Too many codes: at most 500 members."))],
    )
    members_without_card = IntegerField(
        _l("Members without a card"),
        description=_l("How many other people of the group have no card: counted, never named."),
        validators=[
            Optional(),
            NumberRange(min=0, max=500, message=_l("Give a number between 0 and 500.")),
        ],
    )


class SupportForm(JiwarForm):
    pass


class CommentForm(JiwarForm):
    body = TextAreaField(
        _l("Your comment"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Write a comment first.")),
            Length(max=2000, message=_l("A comment takes at most 2,000 characters.")),
        ],
    )
    parent_id = HiddenField()


class ReportForm(JiwarForm):
    reason = TextAreaField(
        _l("Why is this abusive?"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Say why this is abusive.")),
            Length(max=1000, message=_l("The reason takes at most 1,000 characters.")),
        ],
    )


class ModerationForm(JiwarForm):
    reason = TextAreaField(
        _l("Reason (kept with the decision)"),
        filters=[_strip],
        validators=[DataRequired(_l("Give the reason, it is kept with the decision.")), Length(max=1000)],
    )


class AnswerForm(JiwarForm):
    status = RadioField(
        _l("Answer"),
        choices=[SelectChoice(s.value, s.label) for s in ProposalStatus if s in ANSWER_STATUSES],
        validators=[InputRequired(_l("Choose an answer."))],
    )
    answer_text_fr, answer_text_ar, answer_text_en = translated_fields(
        _l("Public answer"), max_length=5000, textarea=True
    )


class CallForm(JiwarForm):
    municipality_id = SelectField(_l("Municipality"), coerce=int)
    programme_id = SelectField(_l("Programme (optional)"), coerce=int, default=0)
    title_fr, title_ar, title_en = translated_fields(_l("Title"), max_length=200)
    description_fr, description_ar, description_en = translated_fields(
        _l("Description"), max_length=10000, textarea=True
    )
    # Line n of each language names the same category.
    categories_fr, categories_ar, categories_en = translated_fields(_l("Categories"), textarea=True)
    submission_opens_at = MomentInRangeField(
        _l("Submission opens"), validators=[InputRequired(_l("Give a date and time."))]
    )
    submission_closes_at = MomentInRangeField(
        _l("Submission closes"), validators=[InputRequired(_l("Give a date and time."))]
    )
    support_opens_at = MomentInRangeField(
        _l("Support opens"), validators=[InputRequired(_l("Give a date and time."))]
    )
    support_closes_at = MomentInRangeField(
        _l("Support closes"), validators=[InputRequired(_l("Give a date and time."))]
    )
    review_opens_at = MomentInRangeField(
        _l("Review starts"), validators=[InputRequired(_l("Give a date and time."))]
    )
    results_at = MomentInRangeField(
        _l("Results published"), validators=[InputRequired(_l("Give a date and time."))]
    )
    support_cap = IntegerField(
        _l("Most proposals one person may support (optional)"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Give a number from 1 to 1,000."))],
    )

    PHASE_FIELDS = (
        "submission_opens_at",
        "submission_closes_at",
        "support_opens_at",
        "support_closes_at",
        "review_opens_at",
        "results_at",
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        title_missing = _l("Give the call a title in at least one language.")
        valid = require_one_language(self, "title", title_missing) and valid
        description_missing = _l("Describe the call in at least one language.")
        valid = require_one_language(self, "description", description_missing) and valid
        lines = {code: self._lines(code) for code in CONTENT_LANGUAGES}
        counts = {len(found) for found in lines.values() if found}
        if not counts:
            self.categories_fr.errors = [*self.categories_fr.errors, _l("Give at least one category.")]
            valid = False
        elif len(counts) > 1:
            self.categories_fr.errors = [
                *self.categories_fr.errors,
                _l("Give the same categories, one a line and in the same order, in each language you fill."),
            ]
            valid = False
        return valid

    def _lines(self, code: str) -> list[str]:
        text = getattr(self, f"categories_{code}").data or ""
        return [line.strip()[:80] for line in text.splitlines() if line.strip()][:20]

    def category_names(self) -> list[dict[str, str]]:
        """One {language: name} per category, line n of each language together."""
        lines = {code: self._lines(code) for code in CONTENT_LANGUAGES}
        count = max(len(found) for found in lines.values())
        names = []
        for position in range(count):
            name = {code: found[position] for code, found in lines.items() if position < len(found)}
            if name not in names:
                names.append(name)
        return names

    def show_categories(self, categories) -> None:
        for code in CONTENT_LANGUAGES:
            names = [getattr(category, f"name_{code}") or "" for category in categories]
            getattr(self, f"categories_{code}").data = "\n".join(names) if any(names) else ""
