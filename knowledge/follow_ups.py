"""Which topic answers a follow-up ("how much?", "and for my wife?") to the current topic."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.loader import KNOWLEDGE_DIR

FOLLOW_UPS_FILE = KNOWLEDGE_DIR / "follow_ups.yml"


@lru_cache(maxsize=4)
def follow_ups(path: Path = FOLLOW_UPS_FILE) -> dict[str, dict[str, str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        str(kind): {str(k): str(v) for k, v in (table or {}).items()} for kind, table in raw.items()
    }


def follow_up_topic(kind: str, topic: str) -> str:
    """The topic that answers a follow-up of ``kind`` after ``topic`` (often ``topic`` itself)."""
    return follow_ups().get(kind, {}).get(topic, topic)
