"""The one mechanism for text in three languages, and languages named by CLDR."""

import pytest

from app.core.languages import find_language, language_name, parse_languages
from app.core.translated import Localized, as_texts, missing_languages, original_language, pick


def test_the_readers_language_first_then_french_arabic_english_and_the_fallback_is_said():
    texts = {"fr": "Atelier", "ar": "ورشة", "en": ""}
    assert pick(texts, "ar") == Localized("ورشة", "ar", False)
    assert pick(texts, "en") == Localized("Atelier", "fr", True)
    assert pick({"fr": " ", "ar": "ورشة", "en": None}, "en") == Localized("ورشة", "ar", True)
    assert pick({}, "fr") == Localized("", "fr", False)
    assert pick(texts, "ar").direction == "rtl" and pick(texts, "en").direction == "ltr"


def test_a_text_from_before_goes_into_the_language_of_most_of_its_letters():
    assert original_language("العيش المشترك في وجدة") == "ar"
    assert original_language("Fête des voisins — 2026") == "fr"
    assert original_language("Café دار الشباب للجميع") == "ar"
    assert original_language("2026") == "fr"
    assert as_texts("  دار الشباب ") == {"fr": "", "ar": "دار الشباب", "en": ""}
    assert as_texts({"fr": "Oui\x00", "en": " Yes "}) == {"fr": "Oui", "ar": "", "en": "Yes"}
    assert missing_languages({"fr": "Oui", "ar": " ", "en": None}) == ["ar", "en"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("wo", "wo"), ("Wolof", "wo"), ("zarma", "dje"), ("Darija", "ary"), ("الدارجة المغربية", "ary"),
     ("haoussa", "ha"), ("BAMBARA", "bm"), ("zgh", "zgh"), ("tamazight", "zgh"), ("pt-BR", "pt"),
     ("nonsense", None), ("", None)],
)
def test_a_language_is_found_by_its_code_or_its_name(typed, code):
    assert find_language(typed, "fr") == code


def test_languages_are_named_in_the_readers_language_and_never_shown_as_a_code():
    assert language_name("ary", "ar") == "الدارجة المغربية"
    assert language_name("dje", "fr") == "zarma"
    assert language_name("bm", "ar") == "البامبارا"
    assert language_name("tzm", "en") == "Central Atlas Tamazight"
    assert parse_languages("Wolof; dje، zarma\nxx-unknown", "en") == (["wo", "dje"], ["xx-unknown"])
