"""The Rasa domain and rules, derived from the topic map.

``domain.yml`` and ``data/rules.yml`` are generated (``orienta train`` rewrites them) and
committed; a test checks they match the topic map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from orienta.dialogue import (
    COMUNE_SLOT,
    FOLLOW_UP_INTENTS,
    LANGUAGE_SLOT,
    LAST_TOPIC_SLOT,
    MISSES_SLOT,
    OFFER_SLOT,
    PERSON_SLOT,
    PREFERRED_LANGUAGE_SLOT,
)
from orienta.paths import CORE_DATA_DIR, DOMAIN_FILE
from orienta.topics import OUT_OF_SCOPE, TopicMap

ANSWER_TOPIC = "action_answer_topic"
#: domain topics with an action of their own (all others go to ANSWER_TOPIC)
TOPIC_ACTIONS: dict[str, str] = {"find_office": "action_find_office"}
FALLBACK = "action_fallback"
#: follow-ups that name no topic are answered from the conversation's current topic
FOLLOW_UP = "action_follow_up"
#: the action that handles each conversation topic (domain topics all go to ANSWER_TOPIC)
CONVERSATION_ACTIONS: dict[str, str] = {
    "greet": "action_conversation",
    "goodbye": "action_conversation",
    "thanks": "action_conversation",
    "affirm": "action_conversation",
    "deny": "action_conversation",
    "bot_challenge": "action_conversation",
    "help": "action_help_menu",
    "change_language": "action_change_language",
    "human_handoff": "action_human_handoff",
    OUT_OF_SCOPE: "action_out_of_scope",
}
RULES_FILE = CORE_DATA_DIR / "rules.yml"
_HEADER = "# Generated from shared/topics.yml by `orienta train`; do not edit by hand.\n"


def action_for(topic_id: str, topics: TopicMap) -> str:
    if topic_id in TOPIC_ACTIONS:
        return TOPIC_ACTIONS[topic_id]
    if topics.topics[topic_id].is_domain:
        return ANSWER_TOPIC
    try:
        return CONVERSATION_ACTIONS[topic_id]
    except KeyError:
        raise ValueError(
            f"conversation topic {topic_id!r} has no action in CONVERSATION_ACTIONS"
        ) from None


def _custom_slot() -> dict[str, Any]:
    """A slot set by actions (the one place that knows what it means)."""
    return {"type": "text", "influence_conversation": False, "mappings": [{"type": "custom"}]}


def domain(topics: TopicMap) -> dict[str, Any]:
    actions = sorted({action_for(t, topics) for t in topics.ids} | {FALLBACK, FOLLOW_UP})
    slots: dict[str, Any] = {
        LANGUAGE_SLOT: {
            "type": "text",
            "influence_conversation": False,
            "mappings": [{"type": "from_entity", "entity": "language"}],
        }
    }
    for name in (
        PREFERRED_LANGUAGE_SLOT,
        LAST_TOPIC_SLOT,
        COMUNE_SLOT,
        PERSON_SLOT,
        OFFER_SLOT,
        MISSES_SLOT,
    ):
        slots[name] = _custom_slot()
    return {
        "version": "3.1",
        "intents": [*topics.ids, *FOLLOW_UP_INTENTS],
        # area, part, topic, kind, more, latitude, longitude: from button payloads and locations
        "entities": ["language", "area", "part", "topic", "kind", "more", "latitude", "longitude"],
        "slots": slots,
        "actions": actions,
        "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True},
    }


def rules(topics: TopicMap) -> dict[str, Any]:
    items = [
        {"rule": f"answer {t}", "steps": [{"intent": t}, {"action": action_for(t, topics)}]}
        for t in topics.ids
    ]
    items += [
        {"rule": f"follow-up {i}", "steps": [{"intent": i}, {"action": FOLLOW_UP}]}
        for i in FOLLOW_UP_INTENTS
    ]
    items.append(
        {"rule": "low NLU confidence", "steps": [{"intent": "nlu_fallback"}, {"action": FALLBACK}]}
    )
    return {"version": "3.1", "rules": items}


def render(data: dict[str, Any]) -> str:
    return _HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write(topics: TopicMap, domain_file: Path = DOMAIN_FILE, rules_file: Path = RULES_FILE) -> None:
    domain_file.write_text(render(domain(topics)), encoding="utf-8")
    rules_file.parent.mkdir(parents=True, exist_ok=True)
    rules_file.write_text(render(rules(topics)), encoding="utf-8")
