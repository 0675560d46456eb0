"""Find an office: by the kind named in the message, the comune named, or the last topic."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from babel.numbers import format_decimal
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answer_chain, answer_language, translator_for
from actions.render import office_card, office_data
from actions.topic_answer import LAST_TOPIC_SLOT
from knowledge.db import DatabaseUnavailableError
from knowledge.directory import choose, kind_in_text, nearest, place_in_text
from knowledge.models import Comune, Office
from knowledge.repository import KnowledgeRepository
from orienta.i18n import Translator

logger = logging.getLogger(__name__)


def shared_location(tracker: Tracker) -> tuple[float, float] | None:
    values = {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities") or []}
    try:
        return float(values["latitude"]), float(values["longitude"])
    except (KeyError, TypeError, ValueError):
        return None


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
                found = repository.answer(last, answer_chain(language)) if last else None
                candidates = repository.offices(found.topic.offices) if found else []
        except DatabaseUnavailableError as exc:
            logger.warning("find office: %s", exc)
            dispatcher.utter_message(text=t("error.unavailable"))
            return []
        point = shared_location(tracker)
        if point:
            self._nearest(
                dispatcher,
                t,
                language,
                candidates or repository.offices_of_kind("cinformi"),
                point,
                comuni,
            )
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
            dispatcher.utter_message(
                text=office_card(t, office, language, now),
                json_message={"office": office_data(office)},
            )
        return []

    @staticmethod
    def _nearest(
        dispatcher: CollectingDispatcher,
        t: Translator,
        language: str,
        candidates: list[Office],
        point: tuple[float, float],
        comuni: list[Comune],
    ) -> None:
        found = nearest(candidates, *point, {c.name.casefold(): c for c in comuni})
        if not found:
            dispatcher.utter_message(text=t("office.not_found"))
            return
        now = dt.datetime.now(dt.UTC)
        for office, km in found:
            distance = t("office.distance", km=format_decimal(round(km, 1), locale=language))
            dispatcher.utter_message(
                text=f"{office_card(t, office, language, now)}\n{distance}",
                json_message={"office": office_data(office)},
            )
