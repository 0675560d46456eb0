"""A request to talk to a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import translator_for


class ActionHumanHandoff(Action):
    """Says honestly who can help in person; the staff queue comes with the channels."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=translator_for(tracker)("human_handoff"))
        return []
