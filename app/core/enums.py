"""Base for the enumerations stored as short strings; each one carries its translated labels."""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """Subclasses define `_labels()` returning {member: lazy_gettext(...)}, the one place a label lives."""

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        labels = cls._labels()
        return [(member.value, labels[member]) for member in cls]  # lazy: translated at render
