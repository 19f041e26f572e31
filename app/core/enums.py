"""Base for the enumerations stored as short strings; each one carries its translated labels."""

from enum import StrEnum
from functools import lru_cache


class LabelledEnum(StrEnum):
    """Subclasses define `_labels()` returning {member: lazy_gettext(...)}, the one place a label lives."""

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @property
    def label(self) -> str:
        from flask import has_request_context

        from app.core.i18n import current_language

        if not has_request_context():  # no request language to key the kept texts by
            return str(self._labels()[self])
        return _label(type(self), self.value, current_language())

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        labels = cls._labels()
        return [(member.value, labels[member]) for member in cls]  # lazy: translated at render


@lru_cache(maxsize=1024)
def _label(enum: type[LabelledEnum], value: str, language: str) -> str:
    """A member's label in a language: fixed once the catalogues are loaded, so translated once per
    process (a list shows a type label per row; each lazy translation walks Flask-Babel's context)."""
    return str(enum._labels()[enum(value)])
