"""Small talk: greetings, thanks, goodbye, yes/no and 'are you a bot?'.

Small talk is answered only when the message is small talk: a message that carries a question
is answered as that question, "yes" answers what Orienta last offered, and "ciao" or "salut" at
the start of a conversation is a greeting.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answered, latest_intent, latest_text, ranking, translator_for
from actions.fallback import ask_again
from actions.menu import menu_text
from actions.routing import answer_intent, question_in
from actions.topic_answer import say_answer
from orienta.dialogue import OFFER_SLOT

#: each conversation intent answers with the catalog message of the same name
_INTENTS = {"greet", "goodbye", "thanks", "affirm", "deny", "bot_challenge"}
#: a goodbye this close to a greeting is a greeting at the start ("ciao", "salut")
_GREETING_RATIO = 0.3


def is_start(tracker: Tracker) -> bool:
    """Nothing was said before this message in the conversation."""
    return sum(1 for e in tracker.events if e.get("event") == "user") <= 1


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


class ActionConversation(Action):
    def name(self) -> str:
        return "action_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        t = translator_for(tracker)
        intent = latest_intent(tracker)
        text = latest_text(tracker)
        if not has_letters(text):  # "?", "...": nothing to answer yet
            return ask_again(dispatcher, tracker)
        question = question_in(tracker)
        if question:  # "thanks, and where do I go?" is a question, not small talk
            return answer_intent(dispatcher, tracker, question)
        offer = tracker.get_slot(OFFER_SLOT)
        if intent == "affirm" and offer and str(offer).startswith("steps:"):
            return say_answer(dispatcher, tracker, str(offer).split(":", 1)[1], "steps")
        if intent == "goodbye" and is_start(tracker):
            scores = dict(ranking(tracker))
            if scores.get("greet", 0.0) >= _GREETING_RATIO * scores.get("goodbye", 1.0):
                intent = "greet"
        if intent not in _INTENTS:
            dispatcher.utter_message(text=menu_text(t))
            return []
        dispatcher.utter_message(text=t(intent))
        answered(dispatcher, intent)
        return [SlotSet(OFFER_SLOT, None)]
