"""A request to talk to a person: the conversation goes to the staff queue.

The action tells the user what happens next and, outside office hours, when someone will
answer. It asks the channel side to open the handoff with a ``{"handoff": "open"}`` message:
the staff queue, the channel address and the staff notices live in ``bot/``, not here.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answer_language, translator_for
from knowledge.db import DatabaseUnavailableError
from knowledge.directory import reopens
from knowledge.repository import KnowledgeRepository
from orienta.dialogue import END_HANDOFF_PAYLOAD, OPEN_HANDOFF
from orienta.i18n import opening_values
from orienta.settings import get_settings

logger = logging.getLogger(__name__)


def when_staff_answer(language: str, now: dt.datetime) -> tuple[str, dict[str, str]]:
    """The catalog key and values that say when a person will answer."""
    office_id = get_settings().handoff_office
    try:
        offices = KnowledgeRepository().offices([office_id])
    except DatabaseUnavailableError as exc:
        logger.warning("handoff hours: %s", exc)
        offices = []
    opening = reopens(offices[0] if offices else None, now)
    if opening is None:
        return "handoff.opened", {}
    return "handoff.opened_later", opening_values(opening, language)


class ActionHumanHandoff(Action):
    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        t = translator_for(tracker)
        key, values = when_staff_answer(answer_language(tracker), dt.datetime.now(dt.UTC))
        dispatcher.utter_message(
            text=t(key, **values),
            buttons=[{"title": t("button.end_handoff"), "payload": END_HANDOFF_PAYLOAD}],
        )
        dispatcher.utter_message(json_message=OPEN_HANDOFF)
        return []
