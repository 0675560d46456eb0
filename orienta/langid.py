"""Language identification for every message, with ISO 639-1 codes.

Two models vote:

* lingua, whose models ship inside its package, knows the standard written languages;
* a character n-gram model trained on Orienta's own training data, which also knows how people
  here write Urdu and Arabic in Latin letters ("mujhe permesso chahiye", "bghit nkhdm").

The writing system narrows the candidates first (Han, Arabic, Cyrillic, Latin). For short or
ambiguous messages ("ok", "si", an emoji) the conversation's previous language wins, then the
channel's hint (e.g. Telegram's ``language_code``), then the default.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from orienta.text import script_counts

#: Languages lingua may report besides the supported ones: answers then use the fallback language.
EXTRA_LANGUAGES: tuple[str, ...] = ("ru", "pt", "de")

#: Languages written here in Latin letters too (Roman Urdu, Arabizi), which lingua cannot know.
ROMANISED: frozenset[str] = frozenset({"ar", "ur"})

_SCRIPT_LANGUAGES = {
    "han": ("zh",),
    "arabic": ("ar", "ur"),
    "cyrillic": ("uk", "ru"),
}


def hint_language(hint: str | None) -> str:
    """A channel's language hint as an ISO 639-1 code: 'en-US', 'pt_BR', 'UK' → 'en', 'pt', 'uk'."""
    return (hint or "").split("-")[0].split("_")[0].lower()


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    #: where the decision came from: text, previous, hint or default
    source: str
    scores: dict[str, float] = field(default_factory=dict, compare=False)


def _prepare(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(ch if ch.isalnum() or ch == "'" else " " for ch in text).split())


def char_ngrams(text: str, sizes: tuple[int, ...] = (1, 2, 3, 4)) -> list[str]:
    grams: list[str] = []
    for word in _prepare(text).split():
        padded = f" {word} "
        for n in sizes:
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams


class NgramModel:
    """Multinomial naive Bayes over character n-grams (stored as plain JSON)."""

    def __init__(
        self, counts: dict[str, dict[str, int]], alpha: float = 0.5, sharpness: float = 1.5
    ) -> None:
        self.counts = counts
        self.alpha = alpha
        self.sharpness = sharpness
        self.totals = {lang: sum(c.values()) for lang, c in counts.items()}
        self.vocabulary = len({g for c in counts.values() for g in c}) or 1

    @classmethod
    def fit(cls, samples: Iterable[tuple[str, str]], min_count: int = 2) -> NgramModel:
        per_lang: dict[str, Counter[str]] = {}
        for text, language in samples:
            per_lang.setdefault(language, Counter()).update(char_ngrams(text))
        counts = {
            lang: {g: n for g, n in grams.items() if n >= min_count}
            for lang, grams in per_lang.items()
        }
        return cls(counts)

    @property
    def languages(self) -> list[str]:
        return sorted(self.counts)

    def probabilities(self, text: str, candidates: Iterable[str] | None = None) -> dict[str, float]:
        grams = char_ngrams(text)
        langs = [lang for lang in (candidates or self.counts) if lang in self.counts]
        if not grams or not langs:
            return {}
        loglik = {}
        for lang in langs:
            table, denom = self.counts[lang], self.totals[lang] + self.alpha * self.vocabulary
            loglik[lang] = sum(math.log((table.get(g, 0) + self.alpha) / denom) for g in grams)
        # Naive Bayes is overconfident: temper by the number of n-grams before normalising.
        scale = self.sharpness / math.sqrt(len(grams))
        top = max(loglik.values())
        weights = {lang: math.exp((v - top) * scale) for lang, v in loglik.items()}
        total = sum(weights.values())
        return {lang: w / total for lang, w in weights.items()}

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps({"alpha": self.alpha, "counts": self.counts}, ensure_ascii=False)
        )

    @classmethod
    def load(cls, path: Path) -> NgramModel:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(raw["counts"], raw["alpha"])


class LanguageIdentifier:
    """Decides the language of a message from its text and its context."""

    def __init__(
        self,
        ngrams: NgramModel,
        supported: tuple[str, ...],
        default: str,
        lingua_weight: float = 0.5,
        min_letters: int = 3,
        min_confidence: float = 0.55,
        min_margin: float = 0.15,
    ) -> None:
        self.ngrams = ngrams
        self.supported = supported
        self.default = default
        self.lingua_weight = lingua_weight
        self.min_letters = min_letters
        self.min_confidence = min_confidence
        self.min_margin = min_margin

    @cached_property
    def _lingua(self) -> Any:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = []
        for code in (*self.supported, *EXTRA_LANGUAGES):
            try:
                codes.append(IsoCode639_1.from_str(code))
            except ValueError:
                continue
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def _lingua_scores(self, text: str) -> dict[str, float]:
        return {
            cv.language.iso_code_639_1.name.lower(): cv.value
            for cv in self._lingua.compute_language_confidence_values(text)
        }

    def scores(self, text: str) -> tuple[dict[str, float], int]:
        """Combined scores over the candidates of the text's script, and its letter count."""
        scripts = script_counts(text)
        letters = sum(scripts.values())
        if not letters:
            return {}, 0
        script = max(scripts, key=lambda s: scripts[s])
        if scripts.get("han", 0) * 3 >= letters:
            return {"zh": 1.0}, letters
        candidates = _SCRIPT_LANGUAGES.get(script)
        latin = candidates is None
        if candidates is None:  # Latin (or unknown): every language written in Latin letters here
            candidates = tuple(
                lang
                for lang in (*self.supported, *EXTRA_LANGUAGES)
                if lang not in ("zh", "uk", "ru")
            )
        lingua = {k: v for k, v in self._lingua_scores(text).items() if k in candidates}
        ngram = self.ngrams.probabilities(text, candidates)
        lingua_total = sum(lingua.values()) or 1.0
        combined = {}
        for lang in candidates:
            lp = lingua.get(lang, 0.0) / lingua_total
            if latin and lang in ROMANISED:  # only our own model knows "mujhe permesso chahiye"
                combined[lang] = ngram.get(lang, 0.0)
            elif lang in ngram:
                combined[lang] = self.lingua_weight * lp + (1 - self.lingua_weight) * ngram[lang]
            else:  # a language only lingua knows must convince it alone
                combined[lang] = self.lingua_weight * lp * lp
        return combined, letters

    def detect(self, text: str, previous: str | None = None, hint: str | None = None) -> Detection:
        """The language of ``text``; ``previous`` and ``hint`` decide only what the text cannot."""
        scores, letters = self.scores(text)
        context = self._from_context(previous, hint)
        if not scores or letters < self.min_letters:  # "ok", "👍", "?": nothing to go on
            return Detection(*context, scores=scores)
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        best, top = ranked[0]
        margin = top - (ranked[1][1] if len(ranked) > 1 else 0.0)
        ambiguous = top < self.min_confidence or margin < self.min_margin
        language, _, source = context
        if ambiguous and source != "default" and scores.get(language, 0.0) > 0.0:
            return Detection(language, round(scores[language], 4), source, scores)
        return Detection(best, round(top, 4), "text", scores)

    def _from_context(self, previous: str | None, hint: str | None) -> tuple[str, float, str]:
        if previous in self.supported:
            return str(previous), 0.0, "previous"
        hint_code = hint_language(hint)
        if hint_code in self.supported:
            return hint_code, 0.0, "hint"
        return self.default, 0.0, "default"
