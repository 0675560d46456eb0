"""The conversation core: one message in, the assistant's replies out, through Rasa.

Every entry point (``orienta ask``, ``orienta chat``, the channels) goes through
:class:`OrientaCore`, which embeds the Rasa agent and runs the action server beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.action_server import ActionServer
from bot.preferences import PreferenceStore
from knowledge.db import DatabaseUnavailableError
from knowledge.directory import valid_point
from orienta.dialogue import ANSWERED, END_HANDOFF_PAYLOAD, HUMAN_HANDOFF_PAYLOAD, OPEN_HANDOFF
from orienta.i18n import get_translator
from orienta.langid import hint_language
from orienta.nlu.language import LANGUAGE_HINT, PREVIOUS_LANGUAGE
from orienta.settings import Settings, get_settings, pseudonym_key
from orienta.topics import OUT_OF_SCOPE, load_topic_map

logger = logging.getLogger(__name__)

NLU_FALLBACK = "nlu_fallback"
HUMAN_HANDOFF = "human_handoff"
PREFERRED_LANGUAGE = "preferred_language"
#: the reply to a message without text, by what was sent instead
NOT_TEXT_REPLIES = {"media": "error.media", "contact": "contact.received"}
#: a button payload: "/intent" or "/intent{json entities}"
PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?$", re.DOTALL)


@dataclass(frozen=True)
class Incoming:
    """A message as a channel hands it over. ``text`` is None for stickers, photos, …"""

    channel: str
    user_id: str
    text: str | None
    language_hint: str | None = None
    #: a shared location (latitude, longitude): answered with the nearest offices
    location: tuple[float, float] | None = None
    #: a pressed button's payload ("/help{\"area\": \"work\"}"); it replaces the text
    payload: str | None = None
    #: where the channel delivers later messages (a chat id); the user id when not given
    address: str | None = None
    #: "text", or what was sent instead of text: "media" (photo, voice, sticker…), "contact"
    kind: str = "text"

    def __post_init__(self) -> None:
        # what a stranger can type that no database or parser should see: NUL and other
        # control characters, lone surrogates
        for name in ("text", "payload"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clean_text(value))

    @property
    def conversation_id(self) -> str:
        return conversation_id(self.channel, self.user_id)

    @property
    def reply_address(self) -> str:
        return self.address or self.user_id


@dataclass
class Turn:
    """What the assistant understood and answered for one message."""

    text: str | None
    language: str
    topic: str
    confidence: float
    replies: list[dict[str, Any]] = field(default_factory=list)
    language_source: str = "text"
    #: the actions asked for these channel-side effects (e.g. {"handoff": "open"})
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: the open handoff when a person has taken over (automatic replies pause)
    handoff_id: int | None = None

    @property
    def answer(self) -> str:
        return "\n\n".join(r["text"] for r in self.replies if r.get("text"))


_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text without control characters (but newlines and tabs) and lone surrogates."""
    return _UNSAFE.sub("", text)


def conversation_id(channel: str, user_id: str) -> str:
    """A stable pseudonym (HMAC-SHA256 with a secret key): raw channel user ids, such as
    WhatsApp phone numbers, are never stored or logged, and cannot be found by trying them."""
    digest = hmac.new(pseudonym_key(), f"{channel}:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def split_replies(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict]]:
    """Replies for the user, and requests for the channel side (``{"handoff": "open"}``).

    Rasa sends a message's custom JSON as a message of its own: an office card's data
    (``{"office": {...}}``) is joined back to the text it belongs to.
    """
    replies: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and ("handoff" in custom or ANSWERED in custom):
            requests.append(custom)
        elif (
            isinstance(custom, dict) and "office" in custom and replies and not message.get("text")
        ):
            replies[-1] = {**replies[-1], "office": custom["office"]}
        else:
            replies.append({k: v for k, v in message.items() if k != "recipient_id"})
    return replies, requests


def topic_of(
    parse: dict[str, Any], requests: list[dict[str, Any]], topics: frozenset[str]
) -> tuple[str, float]:
    """The topic-map id whose answer was given (an action reports it, e.g. a follow-up's
    topic), else the parse's intent; low confidence and anything else → out_of_scope."""
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name") or OUT_OF_SCOPE, float(intent.get("confidence") or 0.0)
    if name == NLU_FALLBACK:
        ranking = parse.get("intent_ranking") or []
        confidence = float(ranking[0]["confidence"]) if ranking else confidence
        name = OUT_OF_SCOPE
    reported = [r[ANSWERED] for r in requests if r.get(ANSWERED) in topics]
    if reported:
        return str(reported[-1]), confidence
    return (name if name in topics else OUT_OF_SCOPE), confidence


def _delete_events(
    store: Any, sender_id: str | None = None, idle_before: float | None = None
) -> int:
    """Delete from Rasa's SQL tracker store one conversation, or those idle since a time."""
    from sqlalchemy import func

    event = store.SQLEvent
    with store.session_scope() as session:
        if sender_id is not None:
            senders = [sender_id]
        else:
            idle = (
                session.query(event.sender_id)
                .group_by(event.sender_id)
                .having(func.max(event.timestamp) < idle_before)
            )
            senders = [row[0] for row in idle.all()]
        deleted = 0
        for start in range(0, len(senders), 500):
            chunk = senders[start : start + 500]
            query = session.query(event).filter(event.sender_id.in_(chunk))
            deleted += int(query.delete(synchronize_session=False))
        session.commit()
        return deleted


class OrientaCore:
    """Loads the trained model, starts the action server, and handles messages."""

    def __init__(
        self, model_path: Path, settings: Settings | None = None, persistent: bool = True
    ) -> None:
        """``persistent``: conversations in Rasa's SQLTrackerStore (``orienta run``), kept
        across restarts; else in memory (``orienta ask`` and ``eval``: each run starts fresh)."""
        self.model_path = model_path
        self.persistent = persistent
        self.settings = settings or get_settings()
        self.action_server = ActionServer(self.settings)
        self.preferences = PreferenceStore(self.settings.database_url)
        self.intents = frozenset(load_topic_map(self.settings.topics_file).ids)
        self._agent: Any = None
        self._supervisor: asyncio.Task[None] | None = None

    async def start(self) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        from rasa.core.agent import load_agent
        from rasa.core.utils import AvailableEndpoints
        from rasa.utils.endpoints import EndpointConfig

        self.action_server.start()
        store_url = self.settings.tracker_store_url or self.settings.database_url
        store = (
            EndpointConfig(url=store_url, type="sql")  # Rasa's SQLTrackerStore, by its URL
            if self.persistent and store_url != "memory"
            else None
        )
        endpoints = AvailableEndpoints(
            action=EndpointConfig(url=self.action_server.webhook_url), tracker_store=store
        )
        self._agent = await load_agent(model_path=str(self.model_path), endpoints=endpoints)
        await asyncio.to_thread(self.action_server.wait_ready)
        self._supervisor = asyncio.get_running_loop().create_task(self.action_server.supervise())

    async def stop(self) -> None:
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        self.action_server.stop()
        self._agent = None

    @property
    def model_loaded(self) -> bool:
        return self._agent is not None

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

    def valid_payload(self, text: str) -> bool:
        """A payload Orienta itself could have sent: a known intent, entities as a JSON object."""
        match = PAYLOAD.match(text)
        if not match or match["intent"] not in self.intents:
            return False
        try:
            entities = json.loads(match["entities"] or "{}")
        except (ValueError, RecursionError):
            return False
        if not isinstance(entities, dict):
            return False
        language = entities.get("language")  # a payload cannot set an unknown language
        return language is None or language in self.settings.languages

    async def stored_language(self, sender_id: str) -> str | None:
        try:
            return await asyncio.to_thread(self.preferences.language, sender_id)
        except DatabaseUnavailableError as exc:
            logger.warning("language preference: %s", exc)
            return None

    async def _prepare_tracker(self, sender_id: str, stored: str | None) -> Any:
        """Bring a stored language choice back into a new (or restarted) conversation."""
        from rasa.shared.core.events import SlotSet

        tracker = await self.agent.tracker_store.retrieve(sender_id)
        if stored and (tracker is None or tracker.get_slot(PREFERRED_LANGUAGE) != stored):
            tracker = await self.agent.tracker_store.get_or_create_tracker(sender_id)
            tracker.update(SlotSet(PREFERRED_LANGUAGE, stored))
            await self.agent.tracker_store.save(tracker)
        return tracker

    async def _set_language(self, sender_id: str, language: str) -> None:
        """Start a conversation in the channel's language (a payload has no text to detect)."""
        from rasa.shared.core.events import SlotSet

        tracker = await self.agent.tracker_store.get_or_create_tracker(sender_id)
        tracker.update(SlotSet("language", language))
        await self.agent.tracker_store.save(tracker)

    async def handle(self, message: Incoming) -> Turn:
        """Understand one message and produce the replies, in the user's language."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        sender_id = conversation_id(message.channel, message.user_id)
        stored = await self.stored_language(sender_id)
        tracker = await self._prepare_tracker(sender_id, stored)
        previous = tracker.get_slot("language") if tracker else None
        metadata = {PREVIOUS_LANGUAGE: previous, LANGUAGE_HINT: message.language_hint}
        text = (message.payload or message.text or "").strip()
        if message.location is not None:
            latitude, longitude = message.location
            if not valid_point(latitude, longitude):  # 999/-999, NaN, infinity: not a place
                return self._refusal(
                    message, "web.location_unavailable", stored or previous, "previous"
                )
            text = f'/find_office{{"latitude": {latitude:.5f}, "longitude": {longitude:.5f}}}'
        if not text:
            key = NOT_TEXT_REPLIES.get(message.kind, "error.not_text")
            return self._refusal(message, key, stored or previous, "previous")
        if text.startswith("/"):
            if not self.valid_payload(text):
                return self._refusal(message, "fallback", stored or previous, "previous")
            if not (stored or previous):  # as for text too short to tell: hint, else default
                hint = hint_language(message.language_hint)
                known = hint in self.settings.languages
                await self._set_language(
                    sender_id, hint if known else self.settings.default_language
                )
        if len(text) > self.settings.max_message_chars:
            parse = await self._parse(text[: self.settings.max_message_chars], metadata)
            source = (parse.get("language_detection") or {}).get("source", "text")
            limit = self.settings.max_message_chars
            return self._refusal(
                message, "error.too_long", parse.get("language"), source, limit=limit
            )
        if not self.action_server.alive:  # being restarted: NLU still works, actions do not
            return await self._without_actions(message, text, metadata, stored or previous)
        output = CollectingOutputChannel()
        await self.agent.handle_message(
            UserMessage(text, output, sender_id, input_channel=message.channel, metadata=metadata)
        )
        if not output.messages and not self.action_server.alive:  # it died during the turn
            return await self._without_actions(message, text, metadata, stored or previous)
        tracker = await self.agent.tracker_store.retrieve(sender_id)
        parse = tracker.latest_message.parse_data if tracker else {}
        replies, requests = split_replies(list(output.messages))
        topic, confidence = topic_of(parse, requests, self.intents)
        chosen = tracker.get_slot(PREFERRED_LANGUAGE) if tracker else None
        if chosen and chosen != stored:
            try:
                await asyncio.to_thread(self.preferences.set_language, sender_id, str(chosen))
            except DatabaseUnavailableError as exc:
                logger.warning("language preference not saved: %s", exc)
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
            replies=replies,
            language_source=str((parse.get("language_detection") or {}).get("source", "text")),
            requests=requests,
        )

    async def transcript(
        self, channel: str, user_id: str, limit: int = 20
    ) -> list[tuple[str, str]]:
        """The conversation's last user and bot messages, for the staff who take it over."""
        tracker = await self.agent.tracker_store.retrieve(conversation_id(channel, user_id))
        if tracker is None:
            return []
        lines: list[tuple[str, str]] = []
        for event in tracker.events:
            if event.type_name == "user" and event.text:
                lines.append(("user", str(event.text)))
            elif event.type_name == "bot" and event.text:
                lines.append(("bot", str(event.text)))
        return lines[-limit:]

    async def forget(self, channel: str, user_id: str) -> None:
        """Delete the conversation (every event of it) and the stored language choice."""
        sender_id = conversation_id(channel, user_id)
        store = self.agent.tracker_store
        inner = getattr(store, "_tracker_store", store)  # Rasa wraps it in a FailSafe store
        if hasattr(inner, "SQLEvent"):
            await asyncio.to_thread(_delete_events, inner, sender_id=sender_id)
        elif hasattr(inner, "store"):  # the in-memory tracker store
            inner.store.pop(sender_id, None)
        await asyncio.to_thread(self.preferences.forget, sender_id)

    async def purge_conversations(self, days: int) -> int:
        """Delete conversations idle for ``days`` (the persistent store only)."""
        inner = getattr(self.agent.tracker_store, "_tracker_store", self.agent.tracker_store)
        if not hasattr(inner, "SQLEvent"):
            return 0
        cutoff = time.time() - days * 86400
        return await asyncio.to_thread(_delete_events, inner, idle_before=cutoff)

    async def _without_actions(
        self, message: Incoming, text: str, metadata: dict[str, Any], known: str | None
    ) -> Turn:
        """While the action server is down: a short apology in the user's language, and a
        request for a person still opens a handoff."""
        parse = {} if text.startswith("/") else await self._parse(text, metadata)
        wanted = PAYLOAD.match(text)
        intent = wanted["intent"] if wanted else (parse.get("intent") or {}).get("name")
        language = parse.get("language") or known or hint_language(message.language_hint)
        if language not in self.settings.languages:
            language = self.settings.default_language
        t = get_translator(str(language), self.settings.fallback_languages)
        person = {"title": t("button.person"), "payload": HUMAN_HANDOFF_PAYLOAD}
        if intent == HUMAN_HANDOFF:
            back = {"title": t("button.end_handoff"), "payload": END_HANDOFF_PAYLOAD}
            replies = [{"text": t("handoff.opened"), "buttons": [back]}]
            return Turn(message.text, str(language), HUMAN_HANDOFF, 1.0, replies,
                        requests=[dict(OPEN_HANDOFF)])  # fmt: skip
        replies = [{"text": t("error.unavailable"), "buttons": [person]}]
        return Turn(message.text, str(language), OUT_OF_SCOPE, 0.0, replies)

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
