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
    ranking: list[tuple[str, float]] | None = None,
    slots: dict[str, Any] | None = None,
    turns: int = 1,
) -> Tracker:
    """A tracker whose latest message is ``text``; ``turns`` user messages so far;
    ``ranking`` the NLU's other intents (the chosen one first at 0.9 by default)."""
    ranked = ranking if ranking is not None else [(intent, 0.9)]
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": ranked[0][1] if ranked else 0.9},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranked],
        "entities": entities if entities is not None else [],
        "language": language,
    }
    values = {"language": language, "preferred_language": preferred, "last_topic": last_topic}
    values.update(slots or {})
    events = [{"event": "user", "text": "…"} for _ in range(turns)]
    return Tracker("test-user", values, latest, events, False, None, {}, "action_listen")


def said(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages a person sees (not the custom ones for the channel side)."""
    return [m for m in messages if m.get("text")]


def reported(messages: list[dict[str, Any]]) -> str | None:
    """The topic the turn reports as answered."""
    topics = [m["custom"]["answered"] for m in messages if "answered" in (m.get("custom") or {})]
    return topics[-1] if topics else None


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
