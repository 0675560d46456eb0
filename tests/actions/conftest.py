"""Build rasa-sdk trackers as the action server receives them, and a real knowledge database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.db import get_engine
from orienta.settings import get_settings

from ..conftest import use_database


def make_tracker(
    text: str,
    intent: str,
    language: str | None = "en",
    preferred: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    last_topic: str | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities if entities is not None else [],
        "language": language,
    }
    slots = {"language": language, "preferred_language": preferred, "last_topic": last_topic}
    return Tracker("test-user", slots, latest, [], False, None, {}, "action_listen")


def run_action(
    action: Action, tracker: Tracker
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A database URL that cannot be opened."""
    use_database(monkeypatch, f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    yield
    get_settings.cache_clear()
    get_engine.cache_clear()
