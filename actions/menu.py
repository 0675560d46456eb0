"""The help menu: what Orienta can help with, by area."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import translator_for
from orienta.i18n import Translator
from orienta.topics import load_topic_map


def menu_text(t: Translator) -> str:
    areas = load_topic_map().domain_areas
    lines = [t("help.intro"), *(f"• {t(f'area.{area}')}" for area in areas), "", t("help.example")]
    return "\n".join(lines)


class ActionHelpMenu(Action):
    def name(self) -> str:
        return "action_help_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=menu_text(translator_for(tracker)))
        return []
