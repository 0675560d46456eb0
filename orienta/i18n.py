"""Interface strings from gettext catalogs (``locales/<lang>/LC_MESSAGES/messages.po``).

Message ids are stable keys (``greet``, ``topic.permit_renewal``); English is the source catalog.
Compiled ``.mo`` files are build output: :func:`compile_catalogs` (re)builds stale ones.
"""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from orienta.paths import LOCALES_DIR

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


class CatalogError(ValueError):
    """A catalog is missing or cannot be read; the message names the file."""


def po_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile every ``.po`` whose ``.mo`` is missing or older. Returns the files written."""
    written = []
    for po in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
        except Exception as exc:  # babel raises several types for malformed files
            raise CatalogError(f"{po}: cannot read catalog: {exc}") from exc
        with mo.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo)
    return written


@dataclass(frozen=True)
class Translator:
    """Looks keys up in one language, falling back along ``chain`` when a string is missing."""

    language: str
    chain: tuple[tuple[str, gettext.NullTranslations], ...]

    def lookup(self, key: str) -> tuple[str, str] | None:
        """The text for ``key`` and the language it was found in, or None."""
        for language, catalog in self.chain:
            text = catalog.gettext(key)
            if text != key:
                return text, language
        return None

    def __call__(self, key: str, **values: object) -> str:
        found = self.lookup(key)
        if found is None:
            raise KeyError(
                f"message {key!r} is in no catalog ({', '.join(c for c, _ in self.chain)})"
            )
        return found[0].format(**values) if values else found[0]

    def has(self, key: str) -> bool:
        return self.lookup(key) is not None


@lru_cache(maxsize=8)
def _compiled(locales_dir: Path) -> None:
    """Compile stale catalogs once per process, not on every message."""
    compile_catalogs(locales_dir)


@lru_cache(maxsize=64)
def _load(language: str, locales_dir: Path) -> gettext.NullTranslations:
    try:
        return gettext.translation(DOMAIN, localedir=str(locales_dir), languages=[language])
    except FileNotFoundError:
        return gettext.NullTranslations()


def get_translator(
    language: str,
    fallbacks: tuple[str, ...] = ("en", "it"),
    locales_dir: Path = LOCALES_DIR,
) -> Translator:
    """A translator for ``language`` with the given fallback chain (compiles stale catalogs)."""
    _compiled(locales_dir)
    order = [language] + [f for f in fallbacks if f != language]
    return Translator(language, tuple((lang, _load(lang, locales_dir)) for lang in order))


def language_name(code: str, in_language: str | None = None) -> str:
    """The name of a language, in another language or in itself ('العربية', 'italiano')."""
    try:
        return Locale.parse(code).get_display_name(in_language or code) or code
    except (ValueError, TypeError):
        return code


def opening_values(opening: dt.datetime, language: str) -> dict[str, str]:
    """``{day}`` and ``{time}`` of an opening, for "… from {day} at {time}" messages."""
    from babel.dates import format_date, format_time

    return {
        "day": format_date(opening.date(), "full", locale=language),
        "time": format_time(opening, "short", locale=language),
    }


def is_rtl(language: str) -> bool:
    """Whether ``language`` is written right to left (the one RTL test, from Babel's CLDR)."""
    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (ValueError, TypeError):
        return False
