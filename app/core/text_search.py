"""What the search boxes share: a text found anywhere in a column, a phone found by its digits."""

import sqlalchemy as sa

LIKE_ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own % and _ taken literally (use it with
    `escape=LIKE_ESCAPE`): a name typed with an underscore finds that name, not every name."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def digits_of(column) -> sa.ColumnElement:
    """A phone as typed ("06 12-34 56 78") compared by its digits only."""
    for separator in (" ", "-", ".", "+"):
        column = sa.func.replace(column, separator, "")
    return column
