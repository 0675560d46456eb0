"""What every action needs: the user's answer language and its catalog."""

from __future__ import annotations

from rasa_sdk import Tracker

from orienta.i18n import Translator, get_translator
from orienta.settings import get_settings

LANGUAGE_SLOT = "language"
PREFERRED_LANGUAGE_SLOT = "preferred_language"


def answer_language(tracker: Tracker) -> str:
    """The user's stored choice, else the message's language, else the first fallback."""
    settings = get_settings()
    for candidate in (
        tracker.get_slot(PREFERRED_LANGUAGE_SLOT),
        tracker.latest_message.get("language"),
        tracker.get_slot(LANGUAGE_SLOT),
    ):
        if candidate in settings.languages:
            return str(candidate)
    return settings.fallback_languages[0]


def answer_chain(language: str) -> list[str]:
    """The language asked for, then the configured fallbacks (English, then Italian)."""
    return [language, *(f for f in get_settings().fallback_languages if f != language)]


def translator_for(tracker: Tracker) -> Translator:
    return get_translator(answer_language(tracker), get_settings().fallback_languages)


def latest_intent(tracker: Tracker) -> str:
    return str((tracker.latest_message.get("intent") or {}).get("name") or "")
