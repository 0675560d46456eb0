"""Find an office: by the kind named in the message, the comune named, or the last topic."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answer_language, translator_for
from actions.render import office_card
from actions.topic_answer import LAST_TOPIC_SLOT
from knowledge.db import DatabaseUnavailableError
from knowledge.directory import choose, kind_in_text, place_in_text
from knowledge.repository import KnowledgeRepository

logger = logging.getLogger(__name__)


class ActionFindOffice(Action):
    def name(self) -> str:
        return "action_find_office"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        t = translator_for(tracker)
        language = answer_language(tracker)
        text = tracker.latest_message.get("text") or ""
        repository = KnowledgeRepository()
        try:
            comuni = repository.comuni()
            kind = kind_in_text(text)
            if kind:
                candidates = repository.offices_of_kind(kind)
            else:
                last = tracker.get_slot(LAST_TOPIC_SLOT)
                found = repository.answer(last, [language, "en", "it"]) if last else None
                candidates = repository.offices(found.topic.offices) if found else []
        except DatabaseUnavailableError as exc:
            logger.warning("find office: %s", exc)
            dispatcher.utter_message(text=t("error.unavailable"))
            return []
        place = place_in_text(text, comuni)  # every comune of Trentino, with its area
        by_name = {c.name.casefold(): c for c in comuni}
        offices = choose(candidates, place, by_name, area_desks=repository.area_desks())
        if not offices:
            dispatcher.utter_message(text=t("office.not_found"))
            return []
        now = dt.datetime.now(dt.UTC)
        if place and all(
            (o.municipality or "").casefold() != place.name.casefold() for o in offices
        ):
            dispatcher.utter_message(text=t("office.nearest", place=place.name))
        for office in offices:
            dispatcher.utter_message(text=office_card(t, office, language, now))
        return []
