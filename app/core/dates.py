"""The years a typed date may fall in: one range check for every date read from a form or a query.

Python's dates end at 9999-12-31 and begin at 0001-01-01, so a page that looks at the day after
(a period's end) or converts a local time to UTC overflowed on them: a 500. Nothing Jiwar holds
(events, calls, programmes, reports, the audit log) lies outside these years.
"""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeLocalField

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)  # an <input type="date">'s min, max
OUT_OF_RANGE = _l("Give a date between the years %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)


def in_range(value: date | datetime) -> bool:
    return FIRST_YEAR <= value.year <= LAST_YEAR


def refuse_out_of_range(field) -> None:
    """For a field's process_formdata, once the text is read: a far date is an input error (the
    typed text stays in the field, its data is None, the message is the field's)."""
    if field.data is not None and not in_range(field.data):
        field.data = None
        raise ValueError(str(OUT_OF_RANGE))


class DayInRangeField(DateField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        refuse_out_of_range(self)


class MomentInRangeField(DateTimeLocalField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        refuse_out_of_range(self)
