"""Local stand-ins for the Telegram Bot API and the WhatsApp Graph API (loopback only).

They speak the real HTTP protocol, so the real python-telegram-bot client and the real
WhatsApp sender talk to them; every call is recorded for the tests to check.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Orienta",
    "username": "orienta_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


def _decode(value: Any) -> Any:
    """PTB sends form fields; structured ones (reply_markup…) are JSON strings."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class LocalServer:
    """An aiohttp application on a free loopback port, started in the running loop."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@dataclass
class FakeBotApi(LocalServer):
    """The Bot API methods Orienta uses: getUpdates serves the updates the test pushes."""

    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100_000)
        self._new_update = asyncio.Event()
        self.app.router.add_post("/bot{token}/{method}", self._method)

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its update_id is assigned here); returns the update_id."""
        update = {**update, "update_id": next(self._update_ids)}
        self.updates.append(update)
        self._new_update.set()
        return int(update["update_id"])

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = {k: _decode(v) for k, v in (await request.post()).items()}
        handler = getattr(self, f"_{method}", None)
        result = await handler(params) if handler else True
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return BOT_USER

    async def _setWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = params
        return True

    async def _getUpdates(self, params: dict[str, Any]) -> Any:  # noqa: N802
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                return pending
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())

    async def _sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message


@dataclass
class FakeGraphApi(LocalServer):
    """The Graph API messages endpoint: records what Orienta sends to WhatsApp users."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    #: recipients whose 24-hour customer service window has closed: sends fail as on Meta
    window_closed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)
        self.app.router.add_post("/{version}/{phone_id}/messages", self._messages)

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.authorizations.append(request.headers.get("Authorization", ""))
        if body.get("to") in self.window_closed:
            error = {"message": "(#131047) Re-engagement message", "type": "OAuthException",
                     "code": 131047, "fbtrace_id": "AbCdEf"}  # fmt: skip
            return web.json_response({"error": error}, status=400)
        self.sent.append({**body, "_path": request.path})
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": f"wamid.out{next(self._ids)}"}],
            }
        )

    def to(self, wa_id: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m.get("to") == wa_id]


class _Alive:
    alive, restarts = True, 0


class EchoCore:
    """Stands in for the Rasa core where the web layer is what a test is about: it answers
    "ciao", and asks for a handoff when the text is "persona"."""

    model_loaded = True
    action_server = _Alive()

    async def handle(self, message: Any) -> Any:
        from bot.core import Turn

        requests = [{"handoff": "open"}] if message.text == "persona" else []
        return Turn(message.text, "it", "greet", 1.0, [{"text": "ciao"}], requests=requests)

    async def stored_language(self, conversation_id: str) -> str | None:
        return None

    async def previous_language(self, conversation_id: str) -> str | None:
        return None

    async def transcript(self, channel: str, user_id: str) -> list[tuple[str, str]]:
        return []

    async def forget(self, channel: str, user_id: str) -> None:
        return None
