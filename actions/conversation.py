"""Small talk: greetings, thanks, goodbye, yes/no and 'are you a bot?'."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, translator_for
from actions.menu import menu_text

#: each conversation intent answers with the catalog message of the same name
_INTENTS = {"greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge"}


class ActionConversation(Action):
    def name(self) -> str:
        return "action_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        t = translator_for(tracker)
        intent = latest_intent(tracker)
        if intent not in _INTENTS:
            dispatcher.utter_message(text=menu_text(t))
            return []
        dispatcher.utter_message(text=t(intent))
        return []
