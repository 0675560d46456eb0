"""``orienta run``: the assistant, the web chat and every channel that has credentials.

Everything runs in one asyncio loop: the Rasa agent (with the action server beside it), the
web server (web chat, staff page, webhooks), Telegram (polling or webhook) and WhatsApp.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.core import OrientaCore
from bot.deliveries import DeliveryLog
from bot.switchboard import Switchboard
from orienta.settings import Settings

logger = logging.getLogger(__name__)


async def serve(model: Path, settings: Settings, ready: asyncio.Event | None = None) -> None:
    """Start everything, serve until interrupted (Ctrl+C, SIGTERM), then stop cleanly."""
    import uvicorn

    from bot.telegram import TelegramChannel
    from bot.web.app import create_app
    from bot.whatsapp import WhatsAppChannel
    from knowledge.db import DatabaseUnavailableError, migrate

    try:
        migrate(settings.database_url)  # the schema is current before anything is stored
    except DatabaseUnavailableError as exc:
        logger.warning("%s: answers and handoffs fail politely until it is back", exc)
    core = OrientaCore(model, settings)
    await core.start()
    switchboard = Switchboard(core, settings)
    try:
        purged = switchboard.desk.purge(settings.handoff_retention_days)
        if purged:
            logger.info("deleted %d closed handoffs past the retention period", purged)
    except DatabaseUnavailableError as exc:
        logger.warning("handoff retention not applied: %s", exc)
    try:
        DeliveryLog(settings.database_url).purge()
    except DatabaseUnavailableError as exc:
        logger.warning("old deliveries not purged: %s", exc)
    try:
        gone = await core.purge_conversations(settings.conversation_retention_days)
        if gone:
            logger.info("deleted %d events of conversations past the retention period", gone)
    except Exception as exc:  # a retention pass must not stop Orienta from starting
        logger.warning("conversation retention not applied: %s", type(exc).__name__)
    telegram = TelegramChannel(switchboard, settings) if settings.telegram_token else None
    whatsapp = WhatsAppChannel(switchboard, settings) if settings.whatsapp_enabled else None
    app = create_app(switchboard, settings, telegram=telegram, whatsapp=whatsapp)
    server = uvicorn.Server(
        uvicorn.Config(
            app, host=settings.web_host, port=settings.web_port, log_level="warning", ws="none",
            access_log=False,  # request lines would carry web chat session ids
        )
    )  # fmt: skip
    try:
        if telegram is not None:  # retried in the background while Telegram is unreachable
            telegram.start_in_background()
        url = f"http://{settings.web_host}:{settings.web_port}"
        channels = ["web"] + [c for c, on in (("telegram", telegram), ("whatsapp", whatsapp)) if on]
        print(f"orienta: web chat on {url}/  ·  staff page on {url}/staff", file=sys.stderr)
        print(f"orienta: channels: {', '.join(channels)}  ·  Ctrl+C stops", file=sys.stderr)
        if ready is not None:
            ready.set()
        await server.serve()
    finally:
        if telegram is not None:
            await telegram.stop()
        if whatsapp is not None:
            await whatsapp.stop()
        await core.stop()
