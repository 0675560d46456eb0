"""The help menu: what Orienta can help with, as buttons by area, then by topic."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import person_button, translator_for
from orienta.i18n import Translator
from orienta.topics import load_topic_map


def menu_text(t: Translator) -> str:
    areas = load_topic_map().domain_areas
    lines = [t("help.intro"), *(f"• {t(f'area.{area}')}" for area in areas), "", t("help.example")]
    return "\n".join(lines)


def area_buttons(t: Translator) -> list[dict[str, str]]:
    return [
        {"title": t(f"area.{area}"), "payload": f'/help{{"area": "{area}"}}'}
        for area in load_topic_map().domain_areas
    ]


def topic_buttons(t: Translator, area: str) -> list[dict[str, str]]:
    return [
        {"title": t(f"topic.{topic.id}"), "payload": f"/{topic.id}"}
        for topic in load_topic_map().in_area(area)
        if t.has(f"topic.{topic.id}")
    ]


def chosen_area(tracker: Tracker) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "area" and entity.get("value") in load_topic_map().domain_areas:
            return str(entity["value"])
    return None


class ActionHelpMenu(Action):
    """The areas as buttons; after an area button, that area's topics as buttons."""

    def name(self) -> str:
        return "action_help_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        t = translator_for(tracker)
        area = chosen_area(tracker)
        if area:
            buttons = topic_buttons(t, area)
            dispatcher.utter_message(text=t(f"area.{area}"), buttons=[*buttons, person_button(t)])
        else:
            buttons = area_buttons(t)
            dispatcher.utter_message(text=menu_text(t), buttons=[*buttons, person_button(t)])
        return []
