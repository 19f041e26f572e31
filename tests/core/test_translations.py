"""Every string the code shows is translated in French and Arabic, with matching placeholders."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
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


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_compiled_catalog_ships_and_matches_its_po(language):
    """The .mo files are committed (a deploy from git has no compile step): each must say what its
    .po says, so a translation added without `make translations` fails here, not in production."""
    compiled_path = CATALOGS / language / "LC_MESSAGES" / "messages.mo"
    assert compiled_path.exists(), "run `make translations-compile` and commit the .mo files"
    with compiled_path.open("rb") as handle:
        compiled = {_key(message.id): _key(message.string) for message in read_mo(handle) if message.id}
    written = {
        _key(message.id): _key(message.string)
        for message in _catalog(language)
        if message.id and not message.fuzzy and all(
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
    }
    stale = {key: compiled.get(key) for key in written if compiled.get(key) != written[key]}
    assert stale == {}, "run `make translations-compile` and commit the .mo files"


def test_the_app_refuses_to_start_without_a_languages_catalog():
    from app import create_app
    from config import TestConfig

    class WithWolof(TestConfig):
        LANGUAGES = ("fr", "ar", "en", "wo")  # no catalog for Wolof yet

    with pytest.raises(RuntimeError, match="wo/LC_MESSAGES/messages.mo"):
        create_app(WithWolof)
