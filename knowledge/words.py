"""Word lists people use, in any language: office names, family members, urgent situations,
documents. One matcher for all of them (case and accents folded, whole words for Latin script,
substrings for scripts without spaces)."""

from __future__ import annotations

from functools import cache

import yaml

from knowledge.loader import KNOWLEDGE_DIR
from orienta.text import normalize


def words_of(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def contains(text: str, word: str) -> bool:
    """Whole-word match for Latin words, substring for other scripts (Chinese has no spaces).

    Both are normalised already."""
    if not word.isascii():
        return word in text
    return f" {words_of(word)} " in f" {words_of(text)} "


class Lexicon:
    """``key: [word, …]`` from a YAML file of knowledge/, longest words first."""

    def __init__(self, raw: dict[str, list[str]]) -> None:
        pairs = {normalize(str(word)): str(key) for key, words in raw.items() for word in words}
        self.pairs = dict(sorted(pairs.items(), key=lambda kv: -len(kv[0])))

    @classmethod
    def from_file(cls, name: str) -> Lexicon:
        raw = yaml.safe_load((KNOWLEDGE_DIR / name).read_text(encoding="utf-8")) or {}
        return cls(raw)

    def find(self, text: str) -> str | None:
        """The key of the longest word found in ``text``."""
        norm = normalize(text)
        return next((key for word, key in self.pairs.items() if contains(norm, word)), None)

    def find_all(self, text: str) -> list[str]:
        norm = normalize(text)
        return list(dict.fromkeys(key for word, key in self.pairs.items() if contains(norm, word)))


@cache
def lexicon(name: str) -> Lexicon:
    return Lexicon.from_file(name)


def person_in_text(text: str) -> str | None:
    """Who the question is for: "spouse", "child", "parent" (knowledge/family_words.yml)."""
    return lexicon("family_words.yml").find(text)


def is_urgent(text: str) -> bool:
    """Danger or urgent need: violence, a medical emergency, nowhere to sleep tonight
    (knowledge/urgent_words.yml)."""
    return lexicon("urgent_words.yml").find(text) is not None


def topics_for_documents(text: str) -> list[str]:
    """The topics of the documents a message names (knowledge/document_names.yml)."""
    return lexicon("document_names.yml").find_all(text)
