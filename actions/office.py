"""Where do I go: the offices for the kind named, the topic asked about, or the conversation's
current topic; in the comune named, shared or remembered. One card at a time unless asked for
more; with no office for the topic, the area's Cinformi desk."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from babel.numbers import format_decimal
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    answer_chain,
    answer_language,
    answered,
    entity,
    latest_text,
    person_button,
    translator_for,
)
from actions.render import office_card, office_data
from knowledge.db import DatabaseUnavailableError
from knowledge.directory import Place, choose, kind_in_text, nearest, place_in_text, valid_point
from knowledge.models import Comune, Office
from knowledge.repository import KnowledgeRepository
from orienta.dialogue import COMUNE_SLOT, LAST_TOPIC_SLOT, MISSES_SLOT
from orienta.i18n import Translator

logger = logging.getLogger(__name__)
FIND_OFFICE = "find_office"
#: offices shown after "More offices"
MORE = 3
CINFORMI = "cinformi"


def shared_location(tracker: Tracker) -> tuple[float, float] | None:
    try:
        point = float(entity(tracker, "latitude")), float(entity(tracker, "longitude"))
    except (TypeError, ValueError):
        return None
    return point if valid_point(*point) else None


def names_a_place_or_office(tracker: Tracker, text: str) -> bool:
    """The message names an office ("e alla posta?"), or a comune of Trentino after a question
    ("e a Rovereto?"): alone, "the weather in Trento" is no question about where to go."""
    if kind_in_text(text):
        return True
    if not tracker.get_slot(LAST_TOPIC_SLOT):
        return False
    try:
        return place_in_text(text, KnowledgeRepository().comuni()) is not None
    except DatabaseUnavailableError:
        return False


def _place(tracker: Tracker, text: str, comuni: list[Comune]) -> Place | None:
    """The comune named now, else the one named or shared earlier in the conversation."""
    place = place_in_text(text, comuni)
    if place is None and tracker.get_slot(COMUNE_SLOT):
        place = place_in_text(str(tracker.get_slot(COMUNE_SLOT)), comuni)
    return place


def say_offices(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The offices to go to, reported as the find_office answer."""
    events = _say_offices(dispatcher, tracker)
    answered(dispatcher, FIND_OFFICE)
    return events


def _say_offices(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    t = translator_for(tracker)
    language = answer_language(tracker)
    text = latest_text(tracker)
    repository = KnowledgeRepository()
    try:
        comuni = repository.comuni()
        kind = kind_in_text(text) or entity(tracker, "kind")
        topic = entity(tracker, "topic") or tracker.get_slot(LAST_TOPIC_SLOT)
        if kind:
            candidates = repository.offices_of_kind(kind)
        else:
            found = repository.answer(str(topic), answer_chain(language)) if topic else None
            candidates = repository.offices(found.topic.offices) if found else []
        candidates = candidates or repository.offices_of_kind(CINFORMI)
        desks = repository.area_desks()
    except DatabaseUnavailableError as exc:
        logger.warning("find office: %s", exc)
        dispatcher.utter_message(text=t("error.unavailable"))
        return []
    events: list[dict[str, Any]] = [SlotSet(MISSES_SLOT, None)]
    point = shared_location(tracker)
    by_name = {c.name.casefold(): c for c in comuni}
    if point:
        _say_nearest(dispatcher, t, language, candidates, point, by_name)
        return events
    place = _place(tracker, text, comuni)
    if place:
        events.append(SlotSet(COMUNE_SLOT, place.name))
        desk = desks.get(place.area_id)
        in_town = any(
            (o.municipality or "").casefold() == place.name.casefold() for o in candidates
        )
        if desk and not in_town and all(o.id != desk for o in candidates):
            try:  # nothing for this topic in the town: the Cinformi desk of its area
                candidates = [*repository.offices([desk]), *candidates]
            except DatabaseUnavailableError as exc:
                logger.warning("find office: %s", exc)
    offices = choose(candidates, place, by_name, limit=MORE, area_desks=desks)
    if not offices:
        dispatcher.utter_message(text=t("office.not_found"), buttons=[person_button(t)])
        return events
    if place and all((o.municipality or "").casefold() != place.name.casefold() for o in offices):
        dispatcher.utter_message(text=t("office.nearest", place=place.name))
    more = bool(entity(tracker, "more"))
    shown = offices if more else offices[:1]
    now = dt.datetime.now(dt.UTC)
    for position, office in enumerate(shown, start=1):
        buttons = []
        if position == len(shown):
            if len(offices) > len(shown):
                what = f'"kind": "{kind}"' if kind else f'"topic": "{topic or ""}"'
                payload = f'/find_office{{{what}, "more": true}}'
                buttons.append({"title": t("button.more_offices"), "payload": payload})
            buttons.append(person_button(t))
        dispatcher.utter_message(
            text=office_card(t, office, language, now),
            buttons=buttons,
            json_message={"office": office_data(office)},
        )
    return events


def _say_nearest(
    dispatcher: CollectingDispatcher,
    t: Translator,
    language: str,
    candidates: list[Office],
    point: tuple[float, float],
    comuni: dict[str, Comune],
) -> None:
    found = nearest(candidates, *point, comuni)
    if not found:
        dispatcher.utter_message(text=t("office.not_found"), buttons=[person_button(t)])
        return
    now = dt.datetime.now(dt.UTC)
    for office, km in found:
        distance = t("office.distance", km=format_decimal(round(km, 1), locale=language))
        dispatcher.utter_message(
            text=f"{office_card(t, office, language, now)}\n{distance}",
            json_message={"office": office_data(office)},
        )


class ActionFindOffice(Action):
    def name(self) -> str:
        return "action_find_office"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return say_offices(dispatcher, tracker)
