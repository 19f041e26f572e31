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


# Offered first wherever languages spoken are chosen: those most heard at the programmes' events
# and desks in the Maghreb and the Sahel. Any other CLDR language can be typed by code or name.
COMMON_LANGUAGES = ("fr", "ar", "ary", "aeb", "en", "zgh", "tzm", "kab", "wo", "ha", "dje", "bm", "ff", "ln")


@lru_cache(maxsize=8)
def _codes_by_name(reader: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for locale in ("en", "fr", "ar", reader):  # the reader's own names win
        for code, name in Locale(locale).languages.items():
            if code in _known():
                names[name.casefold()] = code
    for (code, _reader), name in _NAMES.items():
        names[name.casefold()] = code
    names["darija"] = "ary"
    names["tamazight"] = "zgh"
    return names


def find_language(text: str, reader: str) -> str | None:
    """The CLDR code of a language typed by its code ("wo", "dje") or its name in the reader's
    language, French, Arabic or English ("Wolof", "zarma", "الدارجة المغربية"); None if unknown."""
    code = normalise(text)
    if code is not None:
        return code
    return _codes_by_name(reader).get((text or "").strip().casefold())


def parse_languages(text: str, reader: str) -> tuple[list[str], list[str]]:
    """Languages typed one after another (commas, semicolons or new lines): (codes found, in order
    and once each; what was not understood, as typed)."""
    found: list[str] = []
    unknown: list[str] = []
    for part in (text or "").replace(";", ",").replace("\n", ",").replace("،", ",").split(","):
        part = part.strip()
        if not part:
            continue
        code = find_language(part, reader)
        if code is None:
            unknown.append(part)
        elif code not in found:
            found.append(code)
    return found, unknown
