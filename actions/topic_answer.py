"""Answer a question routed to a topic of the map."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, translator_for


class ActionAnswerTopic(Action):
    """Names the topic understood; the checked answers come with the knowledge base."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        t = translator_for(tracker)
        topic = latest_intent(tracker)
        title_key = f"topic.{topic}"
        lines = []
        if t.has(title_key):
            lines.append(t("topic.asked", topic=t(title_key)))
        lines.append(t("topic.not_ready"))
        dispatcher.utter_message(text="\n".join(lines))
        return []
