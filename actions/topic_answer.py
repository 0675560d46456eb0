"""Answer a question routed to a topic of the map, from the knowledge base."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answer_chain, answer_language, latest_intent, translator_for
from actions.render import answer_text, documents_text, office_card, office_data, where_to_go
from knowledge.db import DatabaseUnavailableError
from knowledge.repository import KnowledgeRepository
from orienta.i18n import Translator, language_name

logger = logging.getLogger(__name__)
LAST_TOPIC_SLOT = "last_topic"


def follow_up_buttons(
    t: Translator, topic: str, related: list[str], documents: bool
) -> list[dict[str, str]]:
    buttons = [{"title": t("button.where"), "payload": "/find_office"}]
    if documents:
        buttons.append(
            {"title": t("button.documents"), "payload": f'/{topic}{{"part": "documents"}}'}
        )
    buttons += [
        {"title": t(f"topic.{r}"), "payload": f"/{r}"} for r in related[:2] if t.has(f"topic.{r}")
    ]
    buttons.append({"title": t("button.person"), "payload": "/human_handoff"})
    return buttons


def asks_for_documents(tracker: Tracker) -> bool:
    entities = tracker.latest_message.get("entities") or []
    return any(e.get("entity") == "part" and e.get("value") == "documents" for e in entities)


class ActionAnswerTopic(Action):
    """The checked answer in the user's language (or a fallback, said so), with where to go."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        t = translator_for(tracker)
        language = answer_language(tracker)
        topic_id = latest_intent(tracker)
        repository = KnowledgeRepository()
        try:
            found = repository.answer(topic_id, answer_chain(language))
            offices = repository.offices(found.topic.offices) if found else []
        except DatabaseUnavailableError as exc:
            logger.warning("answer %s: %s", topic_id, exc)  # no user text, no user id
            dispatcher.utter_message(text=t("error.unavailable"))
            return []
        if found is None:
            title = (
                t("topic.asked", topic=t(f"topic.{topic_id}")) if t.has(f"topic.{topic_id}") else ""
            )
            dispatcher.utter_message(text="\n".join(filter(None, [title, t("topic.not_ready")])))
            return []
        if found.fallback:
            used = found.answer.language
            dispatcher.utter_message(
                text=t("language.fallback", language=language_name(used, language))
            )
        if asks_for_documents(tracker):
            dispatcher.utter_message(text=documents_text(t, found.answer, found.answer.language))
            return [SlotSet(LAST_TOPIC_SLOT, topic_id)]
        text = answer_text(t, found.topic, found.answer, found.answer.language)
        buttons = follow_up_buttons(t, topic_id, found.topic.related, bool(found.answer.documents))
        dispatcher.utter_message(text=text, buttons=buttons)
        now = dt.datetime.now(dt.UTC)
        shown = offices[:3]
        cards = [office_card(t, office, language, now) for office in shown]
        for office, card in zip(shown, where_to_go(t, cards, language), strict=True):
            dispatcher.utter_message(text=card, json_message={"office": office_data(office)})
        return [SlotSet(LAST_TOPIC_SLOT, topic_id)]
