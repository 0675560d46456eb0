"""The topic map (``shared/topics.yml``): the contract for intents and ``orienta ask`` output."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

#: Areas whose topics are conversation moves, not questions with a knowledge answer.
CONVERSATION_AREA = "conversation"
OUT_OF_SCOPE = "out_of_scope"


class TopicMapError(ValueError):
    """The topic map is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Topic:
    id: str
    area: str
    covers: str

    @property
    def is_domain(self) -> bool:
        """A question about life in Trentino (it has a knowledge answer)."""
        return self.area != CONVERSATION_AREA


@dataclass(frozen=True)
class TopicMap:
    areas: dict[str, str]
    topics: dict[str, Topic]

    @property
    def ids(self) -> list[str]:
        return list(self.topics)

    @property
    def domain_ids(self) -> list[str]:
        return [t.id for t in self.topics.values() if t.is_domain]

    def in_area(self, area: str) -> list[Topic]:
        return [t for t in self.topics.values() if t.area == area]

    @property
    def domain_areas(self) -> list[str]:
        return [a for a in self.areas if a != CONVERSATION_AREA]


def parse_topic_map(path: Path) -> TopicMap:
    """Read and check a topic map file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TopicMapError(f"{path}: topic map not found (set ORIENTA_TOPICS_FILE)") from exc
    except yaml.YAMLError as exc:
        raise TopicMapError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("topics"), dict):
        raise TopicMapError(f"{path}: expected mappings 'areas' and 'topics'")
    areas = {str(k): str(v) for k, v in (raw.get("areas") or {}).items()}
    topics: dict[str, Topic] = {}
    for topic_id, body in raw["topics"].items():
        area = (body or {}).get("area")
        if area not in areas:
            raise TopicMapError(f"{path}: topic {topic_id!r} has unknown area {area!r}")
        topics[str(topic_id)] = Topic(str(topic_id), str(area), str(body.get("covers", "")))
    return TopicMap(areas=areas, topics=topics)


@lru_cache(maxsize=4)
def load_topic_map(path: Path | None = None) -> TopicMap:
    """The topic map named by the settings (read once per path)."""
    if path is None:
        from orienta.settings import get_settings

        path = get_settings().topics_file
    return parse_topic_map(path)
