"""Build rasa-sdk trackers as the action server receives them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    text: str,
    intent: str,
    language: str | None = "en",
    preferred: str | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities if entities is not None else [],
        "language": language,
    }
    slots = {"language": language, "preferred_language": preferred}
    return Tracker("test-user", slots, latest, [], False, None, {}, "action_listen")


def run_action(
    action: Action, tracker: Tracker
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


@pytest.fixture
def tracker_factory():  # type: ignore[no-untyped-def]
    return make_tracker
