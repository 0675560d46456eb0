"""Answer a message as another intent than the one the NLU chose: a question inside small
talk ("thanks, and how much?"), or a clarification the person picked."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_text, ranking
from actions.follow_up import say_follow_up
from actions.office import names_a_place_or_office, say_offices
from actions.topic_answer import say_answer
from orienta.dialogue import FOLLOW_UP_INTENTS, LAST_TOPIC_SLOT, SMALL_TALK
from orienta.topics import load_topic_map

FIND_OFFICE = "find_office"
#: a question inside small talk needs at least this confidence …
QUESTION_CONFIDENCE = 0.15
#: … and this many words (characters for scripts without spaces)
QUESTION_WORDS = 3
QUESTION_CHARACTERS = 5


def answers_a_question(intent: str) -> bool:
    topics = load_topic_map().topics
    return intent in FOLLOW_UP_INTENTS or (intent in topics and topics[intent].is_domain)


def _long_enough(text: str) -> bool:
    words = text.split()
    if len(words) >= QUESTION_WORDS:
        return True
    return not text.isascii() and len("".join(words)) >= QUESTION_CHARACTERS and len(words) < 2


def question_in(tracker: Tracker, follow_ups_only: bool = False) -> str | None:
    """The question a message carries although the NLU chose small talk or "out of scope":
    a place or office named, or the best question intent of the NLU when the message is more
    than a word or two. With ``follow_ups_only``, only a follow-up to the current topic."""
    text = latest_text(tracker)
    if names_a_place_or_office(tracker, text):
        return FIND_OFFICE
    if follow_ups_only and not tracker.get_slot(LAST_TOPIC_SLOT):
        return None
    if not follow_ups_only and not _long_enough(text):
        return None
    for intent, confidence in ranking(tracker):
        if intent in SMALL_TALK or not answers_a_question(intent):
            continue
        if follow_ups_only and intent not in FOLLOW_UP_INTENTS:
            return None
        return intent if confidence >= QUESTION_CONFIDENCE else None
    return None


def answer_intent(
    dispatcher: CollectingDispatcher, tracker: Tracker, intent: str
) -> list[dict[str, Any]]:
    if intent == FIND_OFFICE:
        return say_offices(dispatcher, tracker)
    if intent in FOLLOW_UP_INTENTS:
        return say_follow_up(dispatcher, tracker, FOLLOW_UP_INTENTS[intent])
    return say_answer(dispatcher, tracker, intent)
