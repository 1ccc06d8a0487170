"""Every user-facing string has a Russian translation, with the same placeholders, compiled into the .mo."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.app import LOCALES_DIR

BOT_DIR = Path(__file__).resolve().parents[1] / "bot"
KEYWORDS = {"_": None, "__": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _messages_in_code() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(BOT_DIR), keywords=KEYWORDS):
        found.add(tuple(message) if isinstance(message, tuple | list) else message)  # type: ignore[arg-type]
    return found


def _catalog() -> object:
    with open(LOCALES_DIR / "ru" / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale="ru")


def test_every_string_in_the_code_is_translated_to_russian() -> None:
    catalog = _catalog()
    missing = []
    for message in _messages_in_code():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)  # type: ignore[attr-defined]
        if (
            entry is None
            or entry.fuzzy
            or not all(entry.string if isinstance(entry.string, tuple) else [entry.string])
        ):
            missing.append(key)
    assert not missing, f"untranslated: {missing}"


def test_translations_keep_their_placeholders() -> None:
    for entry in _catalog():  # type: ignore[attr-defined]
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for translated in strings:
            assert set(PLACEHOLDER.findall(translated)) == expected, entry.id


def test_the_compiled_catalog_is_up_to_date() -> None:
    compiled = gettext.translation("messages", localedir=LOCALES_DIR, languages=["ru"])
    for entry in _catalog():  # type: ignore[attr-defined]
        if not entry.id:
            continue
        if isinstance(entry.id, tuple):
            assert compiled.ngettext(entry.id[0], entry.id[1], 5) == entry.string[2], entry.id
        else:
            assert compiled.gettext(entry.id) == entry.string, entry.id
