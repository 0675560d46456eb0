"""Language identification: scripts, romanised Urdu/Arabic, and context for short messages."""

import pytest

from orienta.langid import LanguageIdentifier, NgramModel, char_ngrams
from orienta.nlu_data import iter_examples
from orienta.settings import SUPPORTED_LANGUAGES


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    ngrams = NgramModel.fit((e.text, e.language) for e in iter_examples())
    return LanguageIdentifier(ngrams, supported=SUPPORTED_LANGUAGES, default="it")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("كيف أجدد تصريح الإقامة؟", "ar"),
        ("مجھے نوکری چاہیے، کہاں جاؤں؟", "ur"),
        ("bhai mujhe codice fiscale kahan se milega", "ur"),
        ("mera permesso khatam ho gaya hai ab kya karun", "ur"),
        ("salam khouya kifach ndir bach njded lpermesso dyali", "ar"),
        ("Як отримати медичну картку?", "uk"),
        ("我想学意大利语", "zh"),
        ("Caut o casa de inchiriat in Trento", "ro"),
        ("Ku ndodhet kuestura ne Trento?", "sq"),
        ("Comment renouveler mon permis de séjour ?", "fr"),
        ("¿Cómo puedo inscribirme en el servicio sanitario?", "es"),
        ("I need a codice fiscale for my new job", "en"),
        ("dove posso fare un corso di italiano la sera?", "it"),
    ],
)
def test_identifies_the_language_of_a_question(
    identifier: LanguageIdentifier, text: str, language: str
) -> None:
    detection = identifier.detect(text)
    assert (detection.language, detection.source) == (language, "text"), detection.scores


def test_short_message_keeps_the_conversation_language(identifier: LanguageIdentifier) -> None:
    detection = identifier.detect("ok", previous="ar", hint="en")
    assert (detection.language, detection.source) == ("ar", "previous")


def test_channel_hint_decides_when_nothing_else_does(identifier: LanguageIdentifier) -> None:
    assert identifier.detect("👍", hint="uk-UA").language == "uk"
    assert identifier.detect("ok", hint="fr").source == "hint"
    assert identifier.detect("👍").source == "default"


def test_a_clear_message_overrides_the_previous_language(identifier: LanguageIdentifier) -> None:
    detection = identifier.detect("Where can I learn Italian in Trento?", previous="ar")
    assert (detection.language, detection.source) == ("en", "text")


def test_unsupported_hint_is_ignored(identifier: LanguageIdentifier) -> None:
    assert identifier.detect("ok", hint="xx").source == "default"


def test_ngram_model_round_trips_through_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = NgramModel.fit([("ciao come stai", "it"), ("hello how are you", "en")] * 3)
    model.save(tmp_path / "m.json")
    loaded = NgramModel.load(tmp_path / "m.json")
    assert loaded.probabilities("ciao come va") == model.probabilities("ciao come va")
    assert max(loaded.probabilities("ciao come va").items(), key=lambda kv: kv[1])[0] == "it"


def test_char_ngrams_pad_words() -> None:
    assert " ci" in char_ngrams("Ciao!") and "o " in char_ngrams("Ciao!")


def test_channel_hints_are_normalised_to_iso_codes() -> None:
    from orienta.langid import hint_language

    assert [hint_language(h) for h in ("en-US", "pt_BR", "UK", None)] == ["en", "pt", "uk", ""]
