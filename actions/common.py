"""What every action needs: the user's answer language and its catalog, entities, buttons."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from orienta.dialogue import (
    ANSWERED,
    HUMAN_HANDOFF_PAYLOAD,
    LANGUAGE_SLOT,
    PREFERRED_LANGUAGE_SLOT,
)
from orienta.i18n import Translator, get_translator
from orienta.settings import get_settings


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


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def entity(tracker: Tracker, name: str) -> Any:
    """The value of an entity of the latest message (from a button payload), or None."""
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == name:
            return item.get("value")
    return None


def ranking(tracker: Tracker) -> list[tuple[str, float]]:
    """The NLU's intents for the latest message, best first."""
    return [
        (str(item.get("name")), float(item.get("confidence") or 0.0))
        for item in tracker.latest_message.get("intent_ranking") or []
    ]


def answered(dispatcher: CollectingDispatcher, topic: str) -> None:
    """Report the topic whose answer this turn gives (``orienta ask``, the eval, the web API)."""
    dispatcher.utter_message(json_message={ANSWERED: topic})


def person_button(t: Translator) -> dict[str, str]:
    return {"title": t("button.person"), "payload": HUMAN_HANDOFF_PAYLOAD}
