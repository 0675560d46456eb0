"""A running Orienta for channel tests: the real core, switchboard, channels and web server,
in one event loop on a background thread, with fake Telegram and WhatsApp APIs on loopback."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.core import OrientaCore
from bot.switchboard import Switchboard
from bot.telegram import TelegramChannel
from bot.whatsapp import WhatsAppChannel
from knowledge.db import get_engine
from orienta.settings import Settings, get_settings

from .fakes import FakeBotApi, FakeGraphApi

T = TypeVar("T")
STAFF_CHAT_ID = -1001234567890
TELEGRAM_TOKEN = "123456:TEST-TOKEN"
WHATSAPP = {
    "whatsapp_verify_token": "verify-me",
    "whatsapp_app_secret": "app-secret",
    "whatsapp_access_token": "graph-token",
    "whatsapp_phone_number_id": "1098765432",
}


class LoopThread:
    """An event loop running on its own thread; tests submit coroutines to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        async def cancel_the_rest() -> None:
            current = asyncio.current_task()
            rest = [t for t in asyncio.all_tasks() if t is not current]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)

        self.run(cancel_the_rest(), timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], T], timeout: float = 60, what: str = "condition") -> T:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Stack:
    loop: LoopThread
    settings: Settings
    core: OrientaCore
    switchboard: Switchboard
    telegram: TelegramChannel
    whatsapp: WhatsAppChannel
    bot_api: FakeBotApi
    graph_api: FakeGraphApi

    @property
    def web_url(self) -> str:
        return f"http://{self.settings.web_host}:{self.settings.web_port}"


@pytest.fixture(scope="session")
def stack(fast_model: Path, knowledge_db: str) -> Iterator[Stack]:
    """Orienta as `orienta run` starts it, with every channel on, against local fakes."""
    import uvicorn

    from bot.web.app import create_app

    loop = LoopThread()
    bot_api, graph_api = FakeBotApi(), FakeGraphApi()
    loop.run(bot_api.start())
    loop.run(graph_api.start())
    settings = Settings(  # type: ignore[call-arg]
        database_url=knowledge_db,
        web_port=free_port(),
        telegram_token=TELEGRAM_TOKEN,
        telegram_api_url=bot_api.url,
        staff_chat_id=STAFF_CHAT_ID,
        whatsapp_api_url=graph_api.url,
        **WHATSAPP,
    )
    get_settings.cache_clear()
    get_engine.cache_clear()
    core = OrientaCore(fast_model, settings)
    loop.run(core.start(), timeout=300)
    switchboard = Switchboard(core, settings)

    async def start_channels() -> tuple[TelegramChannel, WhatsAppChannel, uvicorn.Server]:
        telegram = TelegramChannel(switchboard, settings)
        whatsapp = WhatsAppChannel(switchboard, settings)
        app = create_app(switchboard, settings, telegram=telegram, whatsapp=whatsapp)
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=settings.web_port, log_level="warning",
                           ws="none")
        )  # fmt: skip
        asyncio.get_running_loop().create_task(server.serve())
        await telegram.start()
        while not server.started:
            await asyncio.sleep(0.05)
        return telegram, whatsapp, server

    telegram, whatsapp, server = loop.run(start_channels())
    yield Stack(loop, settings, core, switchboard, telegram, whatsapp, bot_api, graph_api)

    async def stop() -> None:
        server.should_exit = True
        await telegram.stop()
        await whatsapp.stop()
        await core.stop()
        await bot_api.stop()
        await graph_api.stop()
        await asyncio.sleep(0.2)

    loop.run(stop())
    loop.close()
