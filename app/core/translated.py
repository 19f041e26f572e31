"""Text organisers and reviewers write in French, Arabic and/or English: one column per language
(`title_fr`, `title_ar`, `title_en`), as events, services and municipalities already had.

Why columns and not one JSON column of {lang: text} (Decidim's JSONB): the searches and filters are
plain LIKE on the same columns in SQLite and PostgreSQL (JSON extraction differs between them and
defeats their indexes), a migration adds or copies a column in batch mode on both, and a form field
maps to one column. The three languages are fixed by the interface; a fourth would be a migration.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import LazyString
from sqlalchemy.ext.hybrid import hybrid_property
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.core.i18n import LANGUAGE_NAMES, current_language, text_direction
from app.core.languages import COMMON_LANGUAGES, language_name

CONTENT_LANGUAGES = tuple(LANGUAGE_NAMES)  # ("fr", "ar", "en"): French first, the platform's default
ARABIC_LETTERS = ("\u0600", "\u06ff")


class Localized(NamedTuple):
    """A text chosen for a reader: the text, its language, and whether it is another language than
    the reader's (then the page marks it, with its lang and dir)."""

    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def direction(self) -> str:
        return text_direction(self.language)


def pick(values: dict[str, str | None], reader: str) -> Localized:
    """The reader's language when it is written, else French, Arabic, English in that order."""
    for code in (reader, *CONTENT_LANGUAGES):
        text = values.get(code) or ""
        if text.strip():
            return Localized(text, code, code != reader)
    return Localized("", reader, False)


def values_of(obj, field: str, prefixed: bool = False) -> dict[str, str | None]:
    """A translated field's texts by language ({"fr": ...}), or by column (`prefixed`: {"title_fr": ...},
    what a form's `data` takes)."""
    return {
        (f"{field}_{code}" if prefixed else code): getattr(obj, f"{field}_{code}", None)
        for code in CONTENT_LANGUAGES
    }


def localized(obj, field: str, reader: str | None = None) -> Localized:
    return pick(values_of(obj, field), reader or current_language())


def missing_languages(values: dict[str, str | None]) -> list[str]:
    """The content languages a text is not written in yet (what forms list beside it)."""
    return [code for code in CONTENT_LANGUAGES if not (values.get(code) or "").strip()]


def original_language(text: str | None) -> str:
    """The language a text written before content had three languages is taken to be in: Arabic
    when most of its letters are Arabic, else French (the platform's default)."""
    letters = [ch for ch in text or "" if ch.isalpha()]
    arabic = sum(1 for ch in letters if ARABIC_LETTERS[0] <= ch <= ARABIC_LETTERS[1])
    return "ar" if letters and arabic * 2 > len(letters) else "fr"


def as_texts(value: str | dict[str, str] | None) -> dict[str, str]:
    """{"fr": ..., "ar": ..., "en": ...} from what a form or a script gives: a dict per language, or a
    single text (taken to be in its original language); stripped, empty languages left empty."""
    if isinstance(value, dict):
        texts = {code: (value.get(code) or "").replace("\x00", "").strip() for code in CONTENT_LANGUAGES}
    else:
        text = (value or "").replace("\x00", "").strip()
        texts = dict.fromkeys(CONTENT_LANGUAGES, "")
        if text:
            texts[original_language(text)] = text
    return texts


def write_texts(obj, field: str, value: str | dict[str, str] | None) -> None:
    """Store a translated field's three columns (None where a language is not written)."""
    for code, text in as_texts(value).items():
        setattr(obj, f"{field}_{code}", text or None)


def translated_property(field: str) -> hybrid_property:
    """`call.title`: the text in the request's language (else a fallback) as a plain string; in SQL
    the first language written, for sorting. Writing it writes French (scripts, demo data)."""

    def getter(self) -> str:
        return localized(self, field).text

    def setter(self, value) -> None:
        setattr(self, f"{field}_fr", value)

    def expression(cls):
        return sa.func.coalesce(*(getattr(cls, f"{field}_{code}") for code in CONTENT_LANGUAGES))

    return hybrid_property(getter, setter, expr=expression)


def column_names(field: str) -> list[str]:
    return [f"{field}_{code}" for code in CONTENT_LANGUAGES]




def _strip(value):
    # PostgreSQL refuses NUL in text; no keyboard types it, so it is dropped.
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def translated_fields(
    label, *, max_length: int | None = None, textarea: bool = False, render_kw: dict | None = None
) -> tuple:
    """The three form fields of one translated text (fr, ar, en), each labelled with its language's
    name in the reader's language; the template macro `translated_fields` groups them under `label`.
    Use: `title_fr, title_ar, title_en = translated_fields(_l("Title"), max_length=200)`; `render_kw`
    adds attributes to each field (`rows`, a `maxlength` checked elsewhere)."""
    kind = TextAreaField if textarea else StringField
    validators = [Optional()]
    if max_length:
        validators.append(Length(max=max_length))
    fields = []
    for code in CONTENT_LANGUAGES:
        fields.append(
            kind(
                LazyString(lambda code=code: _capitalised(language_name(code, current_language()))),
                filters=[_strip],
                validators=list(validators),
                description=label,
                render_kw={**(render_kw or {}), "lang": code, "dir": text_direction(code)},
            )
        )
    return tuple(fields)


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]  # CLDR writes "arabe"; a label starts with a capital


def form_values(form, field: str) -> dict[str, str]:
    """{"fr": ..., "ar": ..., "en": ...} as typed in a form's three fields."""
    return {code: (getattr(form, f"{field}_{code}").data or "").strip() for code in CONTENT_LANGUAGES}


def require_one_language(form, field: str, message) -> bool:
    """A translated text must be written in at least one language: else `message` under its first
    field (the form is re-shown with what was typed)."""
    if any(form_values(form, field).values()):
        return True
    first = getattr(form, f"{field}_{CONTENT_LANGUAGES[0]}")
    first.errors = [*first.errors, message]
    return False


def register_translated_helpers(app) -> None:
    app.jinja_env.globals.update(
        localized=localized,
        missing_languages=missing_languages,
        content_languages=CONTENT_LANGUAGES,
        common_languages=COMMON_LANGUAGES,
        language_name=lambda code: language_name(code, current_language()),
    )
    app.jinja_env.filters["language_label"] = lambda code: language_name(code, current_language())
    app.jinja_env.filters["spoken_list"] = spoken_list


def spoken_list(items) -> str:
    """"French, Wolof and Zarma" / "الفرنسية والولوفية والزارمية": a list as the reader's language
    writes one (CLDR's list patterns)."""
    items = [str(item) for item in items]
    return format_list(items, locale=current_language()) if items else ""
