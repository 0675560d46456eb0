"""The switchboard: routes each message to the assistant or, during a handoff, to staff.

Channels hand every message to :meth:`Switchboard.handle` and register a *deliver* function,
so that staff replies reach the user on the user's own channel later. Staff notifiers (the
Telegram staff group) hear about handoffs opening, users writing and handoffs closing; the
staff web page reads the queue from the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from bot.core import Incoming, OrientaCore, Turn
from bot.formatting import bidi_safe_reply, isolate
from bot.handoff import HandoffDesk, HandoffView
from bot.limits import RateLimits
from knowledge.db import DatabaseUnavailableError
from knowledge.directory import reopens
from knowledge.repository import KnowledgeRepository
from knowledge.words import is_urgent
from orienta.dialogue import EMERGENCY_PAYLOAD, END_HANDOFF_PAYLOAD
from orienta.i18n import get_translator, is_rtl, opening_values
from orienta.langid import hint_language
from orienta.settings import Settings, get_settings
from orienta.topics import OUT_OF_SCOPE

logger = logging.getLogger(__name__)
T = TypeVar("T")


def utcnow() -> dt.datetime:
    """Now, in UTC (a function, so that tests can move the clock)."""
    return dt.datetime.now(dt.UTC)


HUMAN_HANDOFF = "human_handoff"
FORGET_COMMAND = "/forget"

#: deliver(address, replies, language): send replies to a user outside of a request
Deliver = Callable[[str, list[dict[str, Any]], str], Awaitable[None]]


class StaffNotifier(Protocol):
    async def handoff_opened(self, handoff: HandoffView) -> None: ...

    async def user_wrote(self, handoff: HandoffView, text: str) -> None: ...

    async def handoff_closed(self, handoff: HandoffView, by: str) -> None: ...


class DeliveryError(RuntimeError):
    """A staff reply could not be delivered (channel not running, or it failed)."""


class Switchboard:
    def __init__(
        self, core: OrientaCore, settings: Settings | None = None, desk: HandoffDesk | None = None
    ) -> None:
        self.core = core
        self.settings = settings or get_settings()
        self.desk = desk or HandoffDesk(
            self.settings.handoff_timeout_minutes, self.settings.database_url
        )
        self.limits = RateLimits(self.settings)
        self.channels: dict[str, Deliver] = {}
        self.notifiers: list[StaffNotifier] = []

    def register_channel(self, name: str, deliver: Deliver) -> None:
        self.channels[name] = deliver

    def add_notifier(self, notifier: StaffNotifier) -> None:
        self.notifiers.append(notifier)

    def _translate(self, language: str, key: str, **values: object) -> str:
        return get_translator(language, self.settings.fallback_languages)(key, **values)

    def _reply(
        self,
        message: Incoming,
        language: str,
        key: str,
        topic: str = HUMAN_HANDOFF,
        **values: object,
    ) -> Turn:
        return Turn(
            text=message.text,
            language=language,
            topic=topic,
            confidence=1.0,
            replies=[{"text": self._translate(language, key, **values)}],
            language_source="previous",
        )

    async def _notify(self, event: str, *args: Any) -> None:
        for notifier in self.notifiers:
            try:
                await getattr(notifier, event)(*args)
            except Exception:  # a staff notice must never break the user's conversation
                logger.exception("staff notifier %s failed on %s", type(notifier).__name__, event)

    @staticmethod
    async def _db(call: Callable[..., T], *args: Any) -> T:
        """A database call in a worker thread: a slow or locked database never blocks the
        event loop (the web chat, /health and the other channels go on)."""
        return await asyncio.to_thread(call, *args)

    def active_handoff(self, conversation_id: str) -> HandoffView | None:
        try:
            return self.desk.active(conversation_id)
        except DatabaseUnavailableError as exc:
            logger.warning("handoff queue unavailable: %s", exc)
            return None

    async def handle(self, message: Incoming) -> Turn:
        """Answer a message, or pass it to staff while a person has the conversation."""
        typed = (message.payload or message.text or "").strip()
        limited = typed.casefold() != FORGET_COMMAND  # /forget always works
        if limited and not self.limits.allow("message", message.conversation_id):
            language = await self._language_of(message)
            return self._reply(message, language, "error.rate_limited", topic=OUT_OF_SCOPE)
        turn = await self._handle(message)
        turn.replies = [bidi_safe_reply(r) for r in turn.replies]
        return turn

    async def _deliver(
        self, deliver: Deliver, address: str, replies: list[dict[str, Any]], language: str
    ) -> None:
        await deliver(address, [bidi_safe_reply(r) for r in replies], language)

    async def _handle(self, message: Incoming) -> Turn:
        typed = (message.payload or message.text or "").strip()
        if typed.casefold() == FORGET_COMMAND:  # any channel: /forget deletes what is stored
            return await self.forget(message)
        handoff = await asyncio.to_thread(self.active_handoff, message.conversation_id)
        wants_bot = typed == END_HANDOFF_PAYLOAD
        if wants_bot:
            language = handoff.language if handoff else await self._language_of(message)
            if handoff and await self._db(self.desk.close, handoff.id, "user"):
                await self._notify("handoff_closed", handoff, "user")
            return self._reply(message, language, "handoff.ended")
        if handoff is not None:
            try:
                turn = await self._paused(message, handoff, typed)
            except DatabaseUnavailableError as exc:
                logger.warning("handoff message not kept: %s", exc)
                return self._reply(message, handoff.language, "error.unavailable")
            if turn is not None:
                return turn
        turn = await self.core.handle(message)
        if any(r.get("handoff") == "open" for r in turn.requests):
            return await self._open(message, turn)
        return turn

    async def _paused(self, message: Incoming, handoff: HandoffView, typed: str) -> Turn | None:
        """A message while a person has the conversation: it goes to staff. Danger or urgent
        need is answered at once with the emergency numbers, and the handoff marked urgent;
        outside office hours every message is acknowledged with when a person will read it."""
        line = self._staff_line(message)
        updated = await self._db(self.desk.add, handoff.id, "user", line)
        if updated is None:  # closed meanwhile: the assistant answers
            return None
        urgent = message.kind == "text" and message.location is None and is_urgent(typed)
        if urgent:
            updated = await self._db(self.desk.mark_urgent, handoff.id) or updated
            staff = get_translator(self.settings.staff_language, self.settings.fallback_languages)
            line = f"⚠️ {staff('staff.urgent')}: {line}"
        await self._notify("user_wrote", updated, line)
        language = handoff.language
        if urgent:
            turn = await self.core.handle(
                Incoming(
                    message.channel,
                    message.user_id,
                    None,
                    payload=EMERGENCY_PAYLOAD,
                    address=message.address,
                )
            )
            turn.text, turn.language_source = message.text, "previous"
            turn.replies.append({"text": self._translate(language, "handoff.urgent_marked")})
        elif message.kind == "media":  # staff cannot see it either: say so
            turn = self._reply(message, language, "error.media")
        else:  # paused: a person answers; outside office hours, say when
            turn = Turn(message.text, language, HUMAN_HANDOFF, 1.0, language_source="previous")
            later = await asyncio.to_thread(self._staff_reopen, language)
            if later is not None:
                t = get_translator(language, self.settings.fallback_languages)
                turn.replies = [{
                    "text": t("handoff.paused_later", **later),
                    "buttons": [
                        {"title": t("button.emergency"), "payload": EMERGENCY_PAYLOAD},
                        {"title": t("button.end_handoff"), "payload": END_HANDOFF_PAYLOAD},
                    ],
                }]  # fmt: skip
        turn.handoff_id = handoff.id
        return turn

    def _staff_reopen(self, language: str) -> dict[str, str] | None:
        """When the staff office opens again, formatted; None when it is open (or unknown)."""
        try:
            offices = KnowledgeRepository(self.settings.database_url).offices(
                [self.settings.handoff_office]
            )
        except DatabaseUnavailableError as exc:
            logger.warning("handoff hours: %s", exc)
            return None
        opening = reopens(offices[0] if offices else None, utcnow())
        if opening is None:
            return None
        return opening_values(opening, language)

    async def _language_of(self, message: Incoming) -> str:
        """The user's language without a message to detect it from."""
        stored = await self.core.stored_language(message.conversation_id)
        previous = await self.core.previous_language(message.conversation_id)
        hint = hint_language(message.language_hint)
        for language in (stored, previous, hint):
            if language in self.settings.languages:
                return str(language)
        return self.settings.default_language

    def _staff_line(self, message: Incoming) -> str:
        """What staff see of a user's message (media are described, never stored)."""
        t = get_translator(self.settings.staff_language, self.settings.fallback_languages)
        if message.location is not None:
            return t(
                "staff.user_location", latitude=message.location[0], longitude=message.location[1]
            )
        text = (message.payload or message.text or "").strip()
        return text[: self.settings.max_message_chars] if text else t("staff.user_media")

    async def _open(self, message: Incoming, turn: Turn) -> Turn:
        current = await asyncio.to_thread(self.active_handoff, message.conversation_id)
        if current is None and not self.limits.allow("handoff", message.conversation_id):
            return self._reply(message, turn.language, "handoff.too_many")
        transcript = await self.core.transcript(message.channel, message.user_id)
        try:
            handoff, new = await self._db(
                self.desk.open,
                message.conversation_id,
                message.channel,
                message.reply_address,
                turn.language,
                None,
                transcript,
            )
        except DatabaseUnavailableError as exc:
            logger.warning("handoff not opened: %s", exc)
            return self._reply(message, turn.language, "error.unavailable")
        if new:
            await self._notify("handoff_opened", handoff)
        turn.handoff_id = handoff.id
        return turn

    async def staff_reply(self, handoff_id: int, text: str) -> HandoffView:
        """Send a staff member's reply to the user, on the user's channel."""
        handoff = await self._db(self.desk.get, handoff_id)
        if handoff is None or not handoff.is_open or not handoff.address:
            raise DeliveryError(f"handoff #{handoff_id} is not open")
        deliver = self.channels.get(handoff.channel)
        if deliver is None:
            raise DeliveryError(f"channel {handoff.channel!r} is not running")
        words = isolate(text) if is_rtl(handoff.language) else text  # staff write in any script
        reply = self._translate(handoff.language, "handoff.staff_message", text=words)
        button = self._translate(handoff.language, "button.end_handoff")
        try:
            await self._deliver(
                deliver,
                handoff.address,
                [{"text": reply, "buttons": [{"title": button, "payload": END_HANDOFF_PAYLOAD}]}],
                handoff.language,
            )
        except Exception as exc:  # e.g. WhatsApp's 24-hour window has closed
            logger.warning("staff reply not delivered on %s: %s", handoff.channel,
                           type(exc).__name__)  # fmt: skip
            raise DeliveryError(f"not delivered on {handoff.channel}") from exc
        updated = await self._db(self.desk.add, handoff_id, "staff", text)
        if updated is None:
            raise DeliveryError(f"handoff #{handoff_id} is not open")
        return updated

    async def close_handoff(self, handoff_id: int, by: str = "staff") -> HandoffView | None:
        """Close a handoff and tell the user that the assistant answers again."""
        handoff = await self._db(self.desk.close, handoff_id, by)
        if handoff is None:
            return None
        deliver = self.channels.get(handoff.channel)
        if deliver is not None and handoff.address:
            text = self._translate(handoff.language, "handoff.closed")
            try:
                await self._deliver(deliver, handoff.address, [{"text": text}], handoff.language)
            except Exception:
                logger.exception("closing notice not delivered on %s", handoff.channel)
        await self._notify("handoff_closed", handoff, by)
        return handoff

    async def forget(self, message: Incoming) -> Turn:
        """Delete what is stored about the user, and confirm in their language."""
        language = await self._language_of(message)
        handoff = await asyncio.to_thread(self.active_handoff, message.conversation_id)
        if handoff is not None:
            await self._notify("handoff_closed", handoff, "user")
        try:
            await self._db(self.desk.forget, message.conversation_id)
            await self.core.forget(message.channel, message.user_id)
        except DatabaseUnavailableError as exc:
            logger.warning("forget failed: %s", exc)
            return self._reply(message, language, "error.unavailable")
        turn = self._reply(message, language, "forget.done")
        turn.topic = "forget"
        return turn
