"""Out of scope and not understood: say so, and what Orienta can help with."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import translator_for
from actions.menu import area_buttons, menu_text


def say_with_menu(dispatcher: CollectingDispatcher, tracker: Tracker, key: str) -> None:
    t = translator_for(tracker)
    dispatcher.utter_message(text=f"{t(key)}\n\n{menu_text(t)}", buttons=area_buttons(t))


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say_with_menu(dispatcher, tracker, "out_of_scope")
        return []


class ActionFallback(Action):
    """Low confidence: ask to rephrase, then show the menu."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        say_with_menu(dispatcher, tracker, "fallback")
        return []
