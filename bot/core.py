"""The conversation core: one message in, the assistant's replies out, through Rasa.

Every entry point (``orienta ask``, ``orienta chat``, the channels) goes through
:class:`OrientaCore`, which embeds the Rasa agent and runs the action server beside it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.action_server import ActionServer
from orienta.i18n import get_translator
from orienta.langid import hint_language
from orienta.nlu.language import LANGUAGE_HINT, PREVIOUS_LANGUAGE
from orienta.settings import Settings, get_settings
from orienta.topics import OUT_OF_SCOPE

NLU_FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Incoming:
    """A message as a channel hands it over. ``text`` is None for stickers, photos, …"""

    channel: str
    user_id: str
    text: str | None
    language_hint: str | None = None
    #: a shared location (latitude, longitude): answered with the nearest offices
    location: tuple[float, float] | None = None


@dataclass
class Turn:
    """What the assistant understood and answered for one message."""

    text: str | None
    language: str
    topic: str
    confidence: float
    replies: list[dict[str, Any]] = field(default_factory=list)
    language_source: str = "text"

    @property
    def answer(self) -> str:
        return "\n\n".join(r["text"] for r in self.replies if r.get("text"))


def conversation_id(channel: str, user_id: str) -> str:
    """A stable pseudonymous id: raw channel user ids are never stored or logged."""
    return hashlib.sha256(f"{channel}:{user_id}".encode()).hexdigest()[:32]


def topic_of(parse: dict[str, Any]) -> tuple[str, float]:
    """The topic-map id and confidence of a parse result (low confidence → out_of_scope)."""
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name") or OUT_OF_SCOPE, float(intent.get("confidence") or 0.0)
    if name == NLU_FALLBACK:
        ranking = parse.get("intent_ranking") or []
        confidence = float(ranking[0]["confidence"]) if ranking else confidence
        return OUT_OF_SCOPE, confidence
    return name, confidence


class OrientaCore:
    """Loads the trained model, starts the action server, and handles messages."""

    def __init__(self, model_path: Path, settings: Settings | None = None) -> None:
        self.model_path = model_path
        self.settings = settings or get_settings()
        self.action_server = ActionServer(self.settings)
        self._agent: Any = None

    async def start(self) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints
        from rasa.utils.endpoints import EndpointConfig

        self.action_server.start()
        endpoints = AvailableEndpoints(action=EndpointConfig(url=self.action_server.webhook_url))
        self._agent = await load_agent(model_path=str(self.model_path), endpoints=endpoints)
        self.action_server.wait_ready()

    async def stop(self) -> None:
        self.action_server.stop()
        self._agent = None

    async def __aenter__(self) -> OrientaCore:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def agent(self) -> Any:
        if self._agent is None:
            raise RuntimeError("OrientaCore.start() has not been called")
        return self._agent

    async def previous_language(self, sender_id: str) -> str | None:
        tracker = await self.agent.tracker_store.retrieve(sender_id)
        return tracker.get_slot("language") if tracker else None

    async def handle(self, message: Incoming) -> Turn:
        """Understand one message and produce the replies, in the user's language."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        sender_id = conversation_id(message.channel, message.user_id)
        previous = await self.previous_language(sender_id)
        metadata = {PREVIOUS_LANGUAGE: previous, LANGUAGE_HINT: message.language_hint}
        text = (message.text or "").strip()
        if message.location is not None:
            latitude, longitude = message.location
            text = f'/find_office{{"latitude": {latitude:.5f}, "longitude": {longitude:.5f}}}'
        if not text:
            return self._refusal(message, "error.not_text", previous, "previous")
        if len(text) > self.settings.max_message_chars:
            parse = await self._parse(text[: self.settings.max_message_chars], metadata)
            source = (parse.get("language_detection") or {}).get("source", "text")
            limit = self.settings.max_message_chars
            return self._refusal(
                message, "error.too_long", parse.get("language"), source, limit=limit
            )
        output = CollectingOutputChannel()
        await self.agent.handle_message(
            UserMessage(text, output, sender_id, input_channel=message.channel, metadata=metadata)
        )
        tracker = await self.agent.tracker_store.retrieve(sender_id)
        parse = tracker.latest_message.parse_data if tracker else {}
        topic, confidence = topic_of(parse)
        return Turn(
            text=message.text,
            # payloads (buttons, locations) skip the NLU pipeline: keep the conversation's language
            language=str(
                parse.get("language")
                or (tracker.get_slot("language") if tracker else None)
                or self.settings.default_language
            ),
            topic=topic,
            confidence=round(confidence, 4),
            replies=list(output.messages),
            language_source=str((parse.get("language_detection") or {}).get("source", "text")),
        )

    async def _parse(self, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
        from rasa.core.channels.channel import UserMessage

        return dict(await self.agent.processor.parse_message(UserMessage(text, metadata=metadata)))

    def _refusal(
        self, message: Incoming, key: str, language: str | None, source: str, **values: object
    ) -> Turn:
        """A polite reply for input Orienta cannot read, in the best language known."""
        hint = hint_language(message.language_hint)
        candidates = (
            (language, source),
            (hint, "hint"),
            (self.settings.default_language, "default"),
        )
        chosen, chosen_source = next((c, s) for c, s in candidates if c in self.settings.languages)
        t = get_translator(chosen, self.settings.fallback_languages)
        return Turn(
            text=message.text,
            language=chosen,
            topic=OUT_OF_SCOPE,
            confidence=0.0,
            replies=[{"text": t(key, **values)}],
            language_source=chosen_source,
        )
