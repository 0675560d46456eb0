"""Follow-ups that name no topic ("how much?", "what do I bring?", "and for my wife?"),
answered from the conversation's current topic (the ``last_topic`` slot)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_intent, latest_text, person_button, translator_for
from actions.menu import area_buttons
from actions.topic_answer import say_answer
from knowledge.follow_ups import follow_up_topic
from knowledge.words import person_in_text
from orienta.dialogue import FOLLOW_UP_INTENTS, KIND_PARTS, LAST_TOPIC_SLOT, PERSON_SLOT


def say_follow_up(
    dispatcher: CollectingDispatcher, tracker: Tracker, kind: str
) -> list[dict[str, Any]]:
    """Answer a follow-up of ``kind`` from the current topic, or ask what it is about."""
    current = tracker.get_slot(LAST_TOPIC_SLOT)
    if not current:  # nothing to refer back to
        t = translator_for(tracker)
        dispatcher.utter_message(
            text=t("followup.which_topic"), buttons=[*area_buttons(t), person_button(t)]
        )
        return []
    topic = follow_up_topic(kind, str(current))
    part = KIND_PARTS[kind]
    if part and topic != current and kind != "cost":
        part = None  # another topic answers it (a permit's timing is permit_status)
    events = say_answer(dispatcher, tracker, topic, part)
    if kind == "other_person":
        events.append(SlotSet(PERSON_SLOT, person_in_text(latest_text(tracker)) or "other"))
    return events


class ActionFollowUp(Action):
    def name(self) -> str:
        return "action_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return say_follow_up(dispatcher, tracker, FOLLOW_UP_INTENTS[latest_intent(tracker)])
