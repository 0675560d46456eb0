"""Answer a question routed to a topic of the map, from the knowledge base.

The first reply fits one phone screen (the short answer, the first step, the sources); the
rest comes on request, through buttons and follow-ups ("What to do", "What to bring", "Costs",
"Where do I go?", "Talk to a person").
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    answer_chain,
    answer_language,
    answered,
    entity,
    latest_intent,
    latest_text,
    person_button,
    translator_for,
)
from actions.render import first_reply, part_text
from knowledge.db import DatabaseUnavailableError
from knowledge.follow_ups import follow_up_topic
from knowledge.models import Answer
from knowledge.repository import FoundAnswer, KnowledgeRepository
from knowledge.words import is_urgent
from orienta.dialogue import (
    EMERGENCY,
    EMERGENCY_PAYLOAD,
    LAST_TOPIC_SLOT,
    MISSES_SLOT,
    OFFER_SLOT,
    PARTS,
)
from orienta.i18n import Translator, language_name

logger = logging.getLogger(__name__)


def part_payload(topic: str, part: str) -> str:
    return f'/{topic}{{"part": "{part}"}}'


def more_buttons(
    t: Translator, topic: str, answer: Answer, shown: str | None
) -> list[dict[str, str]]:
    """The rest of the answer on request, then where to go and a person."""
    buttons = []
    if answer.steps and len(answer.steps) > 1 and shown != "steps":
        buttons.append({"title": t("button.steps"), "payload": part_payload(topic, "steps")})
    if answer.documents and shown != "documents":
        buttons.append(
            {"title": t("button.documents"), "payload": part_payload(topic, "documents")}
        )
    costs_topic = follow_up_topic("cost", topic)
    if (answer.costs or costs_topic != topic) and shown != "costs":
        buttons.append({"title": t("button.costs"), "payload": part_payload(costs_topic, "costs")})
    buttons.append({"title": t("button.where"), "payload": f'/find_office{{"topic": "{topic}"}}'})
    buttons.append(person_button(t))
    return buttons


def say_answer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    topic_id: str,
    part: str | None = None,
) -> list[dict[str, Any]]:
    """Say a topic's first reply, or one part of it; report the topic; remember it."""
    t = translator_for(tracker)
    language = answer_language(tracker)
    try:
        found = KnowledgeRepository().answer(topic_id, answer_chain(language))
    except DatabaseUnavailableError as exc:
        logger.warning("answer %s: %s", topic_id, exc)  # no user text, no user id
        dispatcher.utter_message(text=t("error.unavailable"))
        return []
    if found is None:
        title = t("topic.asked", topic=t(f"topic.{topic_id}")) if t.has(f"topic.{topic_id}") else ""
        dispatcher.utter_message(
            text="\n".join(filter(None, [title, t("topic.not_ready")])), buttons=[person_button(t)]
        )
        answered(dispatcher, topic_id)
        return [SlotSet(LAST_TOPIC_SLOT, topic_id)]
    _say_found(dispatcher, t, language, found, part)
    answered(dispatcher, topic_id)
    offer = None if part else f"steps:{topic_id}"
    return [
        SlotSet(LAST_TOPIC_SLOT, topic_id),
        SlotSet(OFFER_SLOT, offer),
        SlotSet(MISSES_SLOT, None),
    ]


def _say_found(
    dispatcher: CollectingDispatcher,
    t: Translator,
    language: str,
    found: FoundAnswer,
    part: str | None,
) -> None:
    answer, topic = found.answer, found.topic
    used = answer.language
    if found.fallback:
        dispatcher.utter_message(
            text=t("language.fallback", language=language_name(used, language))
        )
    buttons = more_buttons(t, topic.id, answer, part)
    if part is None:
        dispatcher.utter_message(text=first_reply(t, topic, answer, used), buttons=buttons)
    elif getattr(answer, part):
        dispatcher.utter_message(text=part_text(t, topic, answer, part, used), buttons=buttons)
    else:  # nothing recorded for this part: say so, and who can tell
        text = "\n\n".join([answer.short, t(f"part.no_{part}")])
        dispatcher.utter_message(text=text, buttons=buttons)


#: topics that already answer an urgent need themselves
URGENT_TOPICS = frozenset({EMERGENCY, "reception_centres"})


def emergency_first(dispatcher: CollectingDispatcher, tracker: Tracker, topic_id: str) -> None:
    """Danger or urgent need in a question about something else ("my child is sick, which
    doctor?"): the emergency numbers come first, with a button to the emergency answer."""
    if topic_id in URGENT_TOPICS or not is_urgent(latest_text(tracker)):
        return
    t = translator_for(tracker)
    try:
        found = KnowledgeRepository().answer(EMERGENCY, answer_chain(answer_language(tracker)))
    except DatabaseUnavailableError as exc:
        logger.warning("emergency answer: %s", exc)
        return
    if found is not None:
        button = {"title": t("button.emergency"), "payload": EMERGENCY_PAYLOAD}
        dispatcher.utter_message(text=f"🚨 {found.answer.short}", buttons=[button])


class ActionAnswerTopic(Action):
    """A topic's first reply, or the part a button asked for ({"part": "costs"})."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        part = entity(tracker, "part")
        emergency_first(dispatcher, tracker, latest_intent(tracker))
        return say_answer(
            dispatcher, tracker, latest_intent(tracker), part if part in PARTS else None
        )
