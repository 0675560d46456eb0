"""Every interface string exists in every supported language."""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from orienta.i18n import SOURCE_LANGUAGE, compile_catalogs, get_translator, po_path
from orienta.paths import LOCALES_DIR, PROJECT_ROOT
from orienta.topics import TopicMap

PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: t("key") / t('key', ...) in the code
USED_KEY = re.compile(r"""\bt\(\s*f?["']([a-z_.]+)["']""")


def load(language: str) -> Catalog:
    with po_path(language).open("rb") as f:
        return read_po(f, locale=language)


@pytest.fixture(scope="module")
def source() -> Catalog:
    return load(SOURCE_LANGUAGE)


def test_every_supported_language_translates_every_message(
    source: Catalog, languages: tuple[str, ...]
) -> None:
    problems = []
    for lang in languages:
        assert po_path(lang).exists(), f"no catalog for {lang}: {po_path(lang)}"
        catalog = load(lang)
        for message in source:
            if not message.id:
                continue
            translated = catalog.get(message.id)
            if translated is None or not translated.string or translated.fuzzy:
                problems.append(f"{lang}: missing {message.id!r}")
            elif set(PLACEHOLDER.findall(translated.string)) != set(
                PLACEHOLDER.findall(message.string)
            ):
                problems.append(f"{lang}: {message.id!r} changes the placeholders")
        extra = {m.id for m in catalog if m.id} - {m.id for m in source if m.id}
        problems += [f"{lang}: unknown message {key!r}" for key in sorted(extra)]
    assert not problems, problems


def test_machine_assisted_translations_are_marked(languages: tuple[str, ...]) -> None:
    for lang in set(languages) - {SOURCE_LANGUAGE}:
        header = po_path(lang).read_text(encoding="utf-8")[:800]
        assert "X-Translation-Status:" in header, f"{lang}: say whether the translation is reviewed"


def test_every_key_the_code_uses_exists(source: Catalog, topic_map: TopicMap) -> None:
    used = set()
    for folder in ("actions", "bot", "orienta"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            used |= set(USED_KEY.findall(path.read_text(encoding="utf-8")))
    used |= {f"topic.{t}" for t in topic_map.domain_ids}
    used |= {f"area.{a}" for a in topic_map.domain_areas}
    used |= {
        t.id
        for t in topic_map.topics.values()
        if t.id in {"greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge"}
    }
    missing = sorted(k for k in used if "." in k or k in used if source.get(k) is None)
    assert not missing, missing


def test_catalogs_compile_and_translate(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    written = compile_catalogs(locales)
    assert written and all(p.suffix == ".mo" for p in written)
    assert compile_catalogs(locales) == []  # up to date: nothing rebuilt
    t = get_translator("it", locales_dir=locales)
    assert t("topic.asked", topic="X").endswith("X.")
    assert t("greet") != get_translator("en", locales_dir=locales)("greet")


def test_missing_translation_falls_back_along_the_chain(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    po = locales / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(
        re.sub(r'msgid "thanks"\nmsgstr ".*"', 'msgid "thanks"\nmsgstr ""', text), encoding="utf-8"
    )
    t = get_translator("fr", ("en", "it"), locales_dir=locales)
    assert t.lookup("thanks") == (get_translator("en", locales_dir=locales)("thanks"), "en")
    assert t.lookup("greet")[1] == "fr"  # type: ignore[index]
