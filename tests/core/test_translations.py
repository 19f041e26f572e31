"""Every string the code shows is translated in French and Arabic, with matching placeholders."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "app" / "translations"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids in the code today (not the committed .pot, which may be stale)."""
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "--no-location", "-k", "_l",
         "--ignore-dirs=.* __pycache__ instance node_modules", "-F", "babel.cfg", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        return [message for message in read_po(handle) if message.id]


def _catalog(language: str):
    with (CATALOGS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_string_in_the_code_is_translated(extracted, language):
    catalog = _catalog(language)
    missing = []
    for message in extracted:
        translated = catalog.get(message.id)
        strings = translated.string if translated else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if translated is None or translated.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert missing == [], f"run `make translations` and translate these in {language}"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_translations_keep_their_placeholders(language):
    catalog = _catalog(language)
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert problems == []
