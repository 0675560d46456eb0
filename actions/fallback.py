"""Out of scope and not understood: never a dead end.

A close call between topics is asked about with buttons; a message not understood is asked
again once, then answered with the area menu; every reply offers a person. A message that
names a comune, an office or a document is about Trentino: never "out of scope".
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, person_button, ranking, translator_for
from actions.menu import area_buttons, menu_text
from actions.routing import answer_intent, question_in
from knowledge.words import topics_for_documents
from orienta.dialogue import MISSES_SLOT
from orienta.i18n import Translator
from orienta.topics import load_topic_map

#: topics offered when unsure: at most this many …
CLARIFY_MAX = 3
#: … each at least this likely …
CLARIFY_MIN = 0.08
#: … and at least this share of the best one
CLARIFY_RATIO = 0.5


def close_topics(tracker: Tracker) -> list[str]:
    """The domain topics the NLU hesitated between (two or more), best first."""
    topics = load_topic_map().topics
    candidates = [
        (intent, confidence)
        for intent, confidence in ranking(tracker)
        if intent in topics and topics[intent].is_domain and confidence >= CLARIFY_MIN
    ]
    if len(candidates) < 2:
        return []
    best = candidates[0][1]
    return [i for i, c in candidates[:CLARIFY_MAX] if c >= CLARIFY_RATIO * best]


def topic_buttons(t: Translator, topics: list[str]) -> list[dict[str, str]]:
    return [{"title": t(f"topic.{x}"), "payload": f"/{x}"} for x in topics if t.has(f"topic.{x}")]


def clarify(dispatcher: CollectingDispatcher, t: Translator, topics: list[str]) -> None:
    dispatcher.utter_message(
        text=t("clarify.ask"), buttons=[*topic_buttons(t, topics), person_button(t)]
    )


def ask_again(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """Once: please rephrase. Again: the areas, and a person."""
    t = translator_for(tracker)
    if not tracker.get_slot(MISSES_SLOT):
        dispatcher.utter_message(text=t("fallback"), buttons=[person_button(t)])
        return [SlotSet(MISSES_SLOT, "1")]
    dispatcher.utter_message(
        text=f"{t('fallback.menu')}\n\n{menu_text(t)}",
        buttons=[*area_buttons(t), person_button(t)],
    )
    return [SlotSet(MISSES_SLOT, None)]


def about_trentino(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[dict[str, Any]] | None:
    """A follow-up to the current topic, or a message that names a comune, an office or a
    document: answered, or its topics offered."""
    text = latest_text(tracker)
    question = question_in(tracker, follow_ups_only=True)
    if question:
        return answer_intent(dispatcher, tracker, question)
    documents = topics_for_documents(text)
    if documents:
        t = translator_for(tracker)
        close = [x for x in close_topics(tracker) if x not in documents]
        clarify(dispatcher, t, [*documents, *close][:CLARIFY_MAX])
        return []
    return None


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        handled = about_trentino(dispatcher, tracker)
        if handled is not None:
            return handled
        t = translator_for(tracker)
        dispatcher.utter_message(
            text=f"{t('out_of_scope')}\n\n{menu_text(t)}",
            buttons=[*area_buttons(t), person_button(t)],
        )
        return []


class ActionFallback(Action):
    """Low confidence: the close topics as buttons, or ask again, then the menu."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        handled = about_trentino(dispatcher, tracker)
        if handled is not None:
            return handled
        close = close_topics(tracker)
        if close:
            clarify(dispatcher, translator_for(tracker), close)
            return []
        return ask_again(dispatcher, tracker)
