"""Languages spoken at a service: any CLDR language code, named in the reader's language."""

from functools import lru_cache

from babel import Locale, UnknownLocaleError

# Codes CLDR names but that name no language a person speaks.
_NOT_LANGUAGES = {"und", "zxx", "mul", "mis"}
# Names CLDR does not give in a reader's language yet.
_NAMES = {("ary", "ar"): "الدارجة المغربية", ("aeb", "ar"): "الدارجة التونسية"}


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(Locale("en").languages) - _NOT_LANGUAGES


def normalise(code: str) -> str | None:
    """The CLDR code for what was typed ("WO", "ary", "zgh"), or None when CLDR has no such language."""
    code = (code or "").strip().replace("-", "_")
    if not code:
        return None
    if code.lower() in _known():
        return code.lower()
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return None
    return locale.language if locale.language in _known() else None


@lru_cache(maxsize=4096)
def language_name(code: str, reader: str) -> str:
    """"Wolof" / "الولوفية"; CLDR names some languages in English only (Darija in Arabic): then the
    English name, else the language's own name, else the code."""
    if (code, reader) in _NAMES:
        return _NAMES[(code, reader)]
    for locale in (reader, "en"):
        name = Locale(locale).languages.get(code)
        if name:
            return name
    try:
        return Locale.parse(code).get_display_name() or code
    except (ValueError, UnknownLocaleError):
        return code
