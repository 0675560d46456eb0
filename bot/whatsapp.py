"""WhatsApp Cloud API: the webhook (handshake, signed deliveries) and the Graph API sender.

Deliveries are acknowledged at once and answered in the background, one message at a time
per user, so replies keep the order of the questions. A message id delivered twice is
answered once. Delivery statuses are ignored.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Iterator
from typing import Any

import httpx

from bot.core import Incoming
from bot.deliveries import DeliveryLog, first_time
from bot.formatting import shorten, split_text
from bot.switchboard import Switchboard
from orienta.i18n import get_translator
from orienta.settings import Settings, secret

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
TEXT_LIMIT = 4096  # characters in a text message body
INTERACTIVE_BODY_LIMIT = 1024
REPLY_BUTTONS = 3  # at most, each title at most 20 characters
BUTTON_TITLE_LIMIT = 20
LIST_ROWS = 10  # at most, each title at most 24 characters, description 72
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
MEDIA_TYPES = frozenset({"image", "audio", "video", "document", "sticker", "voice"})


def signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Meta signs the raw body: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256>``."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def incoming_messages(payload: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(sender wa_id, message) pairs of a webhook delivery; statuses and the rest skipped."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if change.get("field") != "messages":
                continue
            for message in value.get("messages") or []:
                sender = message.get("from")
                if sender and message.get("id"):
                    yield str(sender), message


def to_incoming(sender: str, message: dict[str, Any]) -> Incoming | None:
    """A Cloud API message as the core's input; None for what needs no answer (reactions)."""
    kind = message.get("type")

    def make(**fields: Any) -> Incoming:
        return Incoming(CHANNEL, sender, **{"text": None, **fields})

    if kind == "text":
        return make(text=(message.get("text") or {}).get("body") or "")
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return make(payload=reply.get("id") or None)
    if kind == "button":  # a quick-reply button of a template message
        button = message.get("button") or {}
        return make(payload=button.get("payload"), text=button.get("text"))
    if kind == "location":
        location = message.get("location") or {}
        try:
            point = (float(location["latitude"]), float(location["longitude"]))
        except (KeyError, TypeError, ValueError):
            return make(kind="media")
        return make(location=point)
    if kind == "contacts":
        return make(kind="contact")
    if kind == "reaction":
        return None
    return make(kind="media")  # image, audio, video, sticker, unsupported…


class WhatsAppChannel:
    """Converts between the Cloud API and the switchboard, and renders replies."""

    def __init__(
        self, switchboard: Switchboard, settings: Settings, client: httpx.AsyncClient | None = None
    ) -> None:
        if not settings.whatsapp_enabled:
            raise ValueError("the ORIENTA_WHATSAPP_* settings are not all set")
        self.switchboard = switchboard
        self.settings = settings
        base = settings.whatsapp_api_url.rstrip("/")
        self.messages_url = (
            f"{base}/{settings.whatsapp_api_version}/{settings.whatsapp_phone_number_id}/messages"
        )
        self.client = client or httpx.AsyncClient(timeout=20.0)
        #: a webhook: it serves as soon as the web server does
        self.state = "running"
        self.deliveries = DeliveryLog(settings.database_url)
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        switchboard.register_channel(CHANNEL, self.deliver)

    async def stop(self) -> None:
        await self.idle()
        await self.client.aclose()

    async def idle(self) -> None:
        """Wait until every received message has been answered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- webhook --------------------------------------------------------------------------

    def verify(self, mode: str | None, token: str | None, challenge: str | None) -> str | None:
        """The handshake: the challenge to echo, or None when the token does not match."""
        expected = secret(self.settings.whatsapp_verify_token)
        matches = bool(token) and hmac.compare_digest(token or "", expected)
        return challenge if mode == "subscribe" and matches and challenge is not None else None

    def check_signature(self, body: bytes, header: str | None) -> bool:
        return signature_valid(secret(self.settings.whatsapp_app_secret), body, header)

    def receive(self, payload: Any) -> int:
        """Schedule the answers to a (verified) delivery; returns how many messages it has."""
        count = 0
        for sender, message in incoming_messages(payload):
            incoming = to_incoming(sender, message)
            if incoming is None:
                continue
            count += 1
            task = asyncio.get_running_loop().create_task(
                self._answer(incoming, str(message.get("id") or ""))
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return count

    async def _answer(self, incoming: Incoming, message_id: str) -> None:
        lock = self._locks.setdefault(incoming.user_id, asyncio.Lock())
        async with lock:  # one at a time per user: answers keep the questions' order
            try:
                # a message id delivered twice (Meta retries, a restart) is answered once
                if message_id and not await first_time(self.deliveries, CHANNEL, message_id):
                    return
                turn = await self.switchboard.handle(incoming)
                await self.send(incoming.user_id, turn.replies, turn.language)
            except Exception:
                logger.exception("whatsapp message not answered")

    # -- sending --------------------------------------------------------------------------

    async def _post(self, body: dict[str, Any]) -> None:
        response = await self.client.post(
            self.messages_url,
            json={"messaging_product": "whatsapp", "recipient_type": "individual", **body},
            headers={"Authorization": f"Bearer {secret(self.settings.whatsapp_access_token)}"},
        )
        if response.status_code >= 400:
            logger.warning("whatsapp send failed: HTTP %s", response.status_code)
            response.raise_for_status()

    async def send(self, to: str, replies: list[dict[str, Any]], language: str) -> None:
        for reply in replies:
            for body in render(reply, language, self.settings):
                await self._post({"to": to, **body})

    async def deliver(self, address: str, replies: list[dict[str, Any]], language: str) -> None:
        await self.send(address, replies, language)


def render(reply: dict[str, Any], language: str, settings: Settings) -> list[dict[str, Any]]:
    """The Cloud API message bodies for one reply: text, then reply buttons or a list."""
    text = reply.get("text") or ""
    buttons = [b for b in reply.get("buttons") or [] if b.get("payload")]
    if not buttons:
        return [
            {"type": "text", "text": {"body": part, "preview_url": False}}
            for part in split_text(text, TEXT_LIMIT)
            if part
        ]
    parts = split_text(text, INTERACTIVE_BODY_LIMIT) if text else []
    leading = [{"type": "text", "text": {"body": p, "preview_url": False}} for p in parts[:-1]]
    body = {"text": parts[-1] if parts else "…"}
    fits_buttons = len(buttons) <= REPLY_BUTTONS and all(
        len(b["title"]) <= BUTTON_TITLE_LIMIT for b in buttons
    )
    if fits_buttons:
        interactive = {
            "type": "button",
            "body": body,
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": b["payload"], "title": b["title"]}}
                    for b in buttons
                ]
            },
        }
        return [*leading, {"type": "interactive", "interactive": interactive}]
    t = get_translator(language, settings.fallback_languages)
    lists = []
    for start in range(0, len(buttons), LIST_ROWS):
        rows = []
        for button in buttons[start : start + LIST_ROWS]:
            row = {"id": button["payload"], "title": shorten(button["title"], ROW_TITLE_LIMIT)}
            if len(button["title"]) > ROW_TITLE_LIMIT:
                row["description"] = shorten(button["title"], ROW_DESCRIPTION_LIMIT)
            rows.append(row)
        interactive = {
            "type": "list",
            "body": body if start == 0 else {"text": "…"},
            "action": {
                "button": shorten(t("button.options"), BUTTON_TITLE_LIMIT),
                "sections": [{"title": shorten(t("button.options"), 24), "rows": rows}],
            },
        }
        lists.append({"type": "interactive", "interactive": interactive})
    return [*leading, *lists]
