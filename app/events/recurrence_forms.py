"""Forms of repeating sessions: the rule ("every Wednesday 10:00-13:00 from … until …, except …") and
the change of one occurrence or of all that follow."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Form, IntegerField, RadioField, SelectField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from app.core.dates import DayInRangeField, in_range
from app.core.forms import WEEKDAY_LABELS, JiwarForm, MultiCheckboxField
from app.events.recurrence import DAILY, WEEKLY, RuleSpec


def _excluded_days(text: str) -> list[date]:
    """Dates typed one a line (or separated by commas or spaces) as 2027-02-18."""
    days = []
    for word in (text or "").replace(",", " ").split():
        try:
            day = date.fromisoformat(word)
        except ValueError:
            raise ValidationError(
                _l("“%(text)s” is not a date: write it as 2027-02-18.", text=word[:20])
            ) from None
        if not in_range(day):
            raise ValidationError(_l("“%(text)s” is not a date: write it as 2027-02-18.", text=word[:20]))
        days.append(day)
    return days


class RuleFields:
    """The rule's fields and what they make: the repeat page's form and the new event's "sessions by
    rule" (below) are both made of them."""

    frequency = SelectField(
        _l("Repeats"),
        choices=[SelectChoice(WEEKLY, _l("Every week")), SelectChoice(DAILY, _l("Every day"))],
    )
    weekdays = MultiCheckboxField(
        _l("On"),
        choices=[SelectChoice(str(number), label) for number, label in enumerate(WEEKDAY_LABELS)],
        validators=[Optional()],
        description=_l("Every week only; none ticked means the weekday of the first day."),
    )
    starts_on = DayInRangeField(_l("First day"), validators=[InputRequired(_l("Give the first day."))])
    start_time = TimeField(_l("Starts"), validators=[InputRequired(_l("Give the start time."))])
    end_time = TimeField(_l("Ends"), validators=[InputRequired(_l("Give the end time."))])
    until = DayInRangeField(_l("Last day"), validators=[Optional()])
    count = IntegerField(
        _l("Or a number of sessions"),
        validators=[Optional()],
        description=_l("For a training of eight days: every day, 8 sessions."),
    )
    excluded = TextAreaField(
        _l("Except on"),
        validators=[Optional()],
        description=_l("Dates without a session (holidays), one a line, written as 2027-02-18."),
        render_kw={"rows": 3},
    )

    def validate_excluded(self, field):
        _excluded_days(field.data)

    def to_spec(self) -> RuleSpec:
        return RuleSpec(
            frequency=self.frequency.data if self.frequency.data in (DAILY, WEEKLY) else WEEKLY,
            starts_on=self.starts_on.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            weekdays=[int(day) for day in self.weekdays.data or [] if day.isdigit() and int(day) < 7],
            until=self.until.data,
            count=self.count.data,
            excluded=_excluded_days(self.excluded.data),
        )


class SessionRuleForm(RuleFields, JiwarForm):
    pass


class NewEventRuleForm(RuleFields, Form):
    """Sessions by rule on the new event form ("8 sessions, every day from 12 January at 9:00"),
    instead of a row per session; left at "No", nothing of it is checked or used."""

    frequency = SelectField(
        _l("Sessions by rule"),
        choices=[
            SelectChoice("", _l("No: I type each session above")),
            SelectChoice(DAILY, _l("Every day")),
            SelectChoice(WEEKLY, _l("Every week")),
        ],
        validators=[Optional()],
    )

    @property
    def wanted(self) -> bool:
        return self.frequency.data in (DAILY, WEEKLY)

    def validate(self, extra_validators=None):
        if self.wanted:
            return super().validate(extra_validators)
        # Left at "No" the rule is neither checked nor used, so what was typed in it is not shown back
        # either (a far or unreadable day would otherwise come back with no word about it).
        for field in self:
            if field is not self.frequency:
                field.process(None)
                field.raw_data = None
        return True


ONLY_THIS, FOLLOWING = "this", "following"


class OccurrenceForm(JiwarForm):
    scope = RadioField(
        _l("Change"),
        choices=[
            SelectChoice(ONLY_THIS, _l("Only this session")),
            SelectChoice(FOLLOWING, _l("This session and all that follow")),
        ],
        default=ONLY_THIS,
    )
    day = DayInRangeField(
        _l("Date"),
        validators=[Optional()],
        description=_l("Only this session: it may move to another day."),
    )
    start_time = TimeField(_l("Starts"), validators=[InputRequired(_l("Give the start time."))])
    end_time = TimeField(_l("Ends"), validators=[InputRequired(_l("Give the end time."))])
    until = DayInRangeField(
        _l("Last day"),
        validators=[Optional()],
        description=_l("This session and all that follow: leave empty to keep the last day."),
    )

    def validate_day(self, field):
        if self.scope.data == ONLY_THIS and field.data is None and not field.errors:
            raise ValidationError(_l("Give the date."))
