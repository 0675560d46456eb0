"""Change the language Orienta answers in."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import translator_for
from orienta.dialogue import PREFERRED_LANGUAGE_SLOT
from orienta.i18n import get_translator, language_name
from orienta.paths import LOCALES_DIR
from orienta.settings import get_settings
from orienta.text import normalize

_IDENTIFIER = "LanguageIdentifierComponent"


@lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """Normalised language name → code, from Babel and ``locales/language_names.yml``."""
    languages = get_settings().languages
    names: dict[str, str] = {}
    extra = yaml.safe_load((LOCALES_DIR / "language_names.yml").read_text(encoding="utf-8")) or {}
    for code in languages:
        for spoken in (*languages, "en"):
            names[normalize(language_name(code, spoken))] = code
        for alias in extra.get(code, []):
            names[normalize(str(alias))] = code
    return {name: code for name, code in names.items() if len(name) >= 2}


def requested_language(tracker: Tracker) -> str | None:
    """The language asked for: a button's entity, else a language named in the text."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "language" and entity.get("extractor") != _IDENTIFIER:
            value = str(entity.get("value"))
            return value if value in get_settings().languages else None
    text = normalize(tracker.latest_message.get("text") or "")
    found = [(text.find(name), code) for name, code in language_names().items() if name in text]
    # "parla italiano, non inglese": the language named first is the one asked for.
    return min(found)[1] if found else None


class ActionChangeLanguage(Action):
    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        target = requested_language(tracker)
        if target is None:
            settings = get_settings()
            buttons = [
                {
                    "title": language_name(code),
                    "payload": f'/change_language{{"language": "{code}"}}',
                }
                for code in settings.languages
            ]
            dispatcher.utter_message(
                text=translator_for(tracker)("change_language.ask"), buttons=buttons
            )
            return []
        t = get_translator(target, get_settings().fallback_languages)
        dispatcher.utter_message(text=t("change_language.done"))
        return [SlotSet(PREFERRED_LANGUAGE_SLOT, target)]
