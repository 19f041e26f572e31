"""SMS segments: GSM-7 (160 characters alone, 153 a part when split; the extension table's characters
count twice) or UCS-2 as soon as one character is outside GSM-7 (70 alone, 67 a part). Arabic is
always UCS-2; French is GSM-7 once the few accents GSM lacks are folded (ê → e)."""

import unicodedata

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"
_GSM_BASIC = frozenset(GSM_BASIC) - {"\x1b"}
_GSM_EXTENSION = frozenset(GSM_EXTENSION)
_GSM = _GSM_BASIC | _GSM_EXTENSION
MAX_SEGMENTS = 2
# Typographic characters of translated texts that have a plain GSM-7 twin.
_TWINS = {"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "…": "...", "–": "-", "—": "-",
          "\u00a0": " ", "\u202f": " "}


def is_gsm(text: str) -> bool:
    return all(character in _GSM for character in text)


def gsm_length(text: str) -> int:
    return sum(2 if character in _GSM_EXTENSION else 1 for character in text)


def fold_to_gsm(text: str) -> str:
    """The same text in GSM-7 when only typography and a few Latin accents keep it out (French:
    « » ’ ê â î ô û ç). Text with any other character (Arabic) is returned as it is: UCS-2."""
    folded = []
    for character in text:
        if character in _GSM:
            folded.append(character)
            continue
        twin = _TWINS.get(character)
        if twin is None:
            base = unicodedata.normalize("NFD", character)[0]
            twin = base if base in _GSM and base.isalpha() else None
        if twin is None:
            return text
        folded.append(twin)
    return "".join(folded)


def segment_count(text: str) -> int:
    if not text:
        return 1
    if is_gsm(text):
        length = gsm_length(text)
        return 1 if length <= 160 else -(-length // 153)
    # UCS-2 counts UTF-16 code units: a character outside the BMP (an emoji) takes two.
    length = len(text.encode("utf-16-le")) // 2
    return 1 if length <= 70 else -(-length // 67)


def fits(text: str, segments: int = MAX_SEGMENTS) -> bool:
    return segment_count(text) <= segments


ELLIPSIS = "..."


def fit_sms(template: str, values: dict[str, str], shrinkable: tuple[str, ...]) -> str:
    """`template % values` folded to GSM-7 where it can be, within two segments: the `shrinkable`
    values (names, titles) are cut, the longest first, never the rest (links, codes, times)."""
    values = dict(values)

    def render() -> str:
        return fold_to_gsm(template % values)

    text = render()
    while not fits(text):
        candidates = [name for name in shrinkable if values[name]]
        if not candidates:
            break  # nothing left to cut: the fixed part alone is over (a test keeps every text within)
        name = max(candidates, key=lambda key: len(values[key]))
        value = values[name]
        kept = value[:-len(ELLIPSIS)] if value.endswith(ELLIPSIS) else value
        # Cut by the excess when it is known, at least one character at a time.
        cut = max(1, min(len(kept), _excess(text)))
        kept = kept[:-cut].rstrip()
        values[name] = kept + ELLIPSIS if kept else ""
        text = render()
    return text


def _excess(text: str) -> int:
    if is_gsm(text):
        return gsm_length(text) - 2 * 153
    return len(text.encode("utf-16-le")) // 2 - 2 * 67
