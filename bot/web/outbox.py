"""Messages for web chat tabs that arrive later (staff replies), in the database.

Each message has an id that never repeats, also across restarts. A tab asks for what came
after the last id it has shown; that acknowledges (and deletes) what it already has, and
nothing it has not shown."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import delete, select

from bot.preferences import utcnow
from knowledge.db import state_session
from knowledge.models import WebOutboxMessage
from orienta.i18n import is_rtl

#: at most this many waiting messages per tab, and kept at most this long
PER_SESSION = 50
KEEP = dt.timedelta(days=7)


class WebOutbox:
    def __init__(self, url: str | None = None) -> None:
        self.url = url

    async def deliver(self, address: str, replies: list[dict[str, Any]], language: str) -> None:
        await asyncio.to_thread(self._add, address, replies, language)

    def _add(self, address: str, replies: list[dict[str, Any]], language: str) -> None:
        now = utcnow()
        with state_session(self.url) as session:
            for reply in replies:
                session.add(WebOutboxMessage(address=address, language=language, reply=reply,
                                             created_at=now))  # fmt: skip

    async def fetch(self, address: str, after: int) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._fetch, address, after)

    def _fetch(self, address: str, after: int) -> list[dict[str, Any]]:
        table = WebOutboxMessage
        with state_session(self.url) as session:
            session.execute(  # shown by the tab: acknowledged; too old: gone
                delete(table).where(
                    table.address == address,
                    (table.id <= after) | (table.created_at < utcnow() - KEEP),
                )
            )
            rows = session.execute(
                select(table).where(table.address == address, table.id > after)
                .order_by(table.id).limit(PER_SESSION)
            ).scalars()  # fmt: skip
            return [
                {
                    "id": int(row.id),
                    "language": row.language,
                    "direction": "rtl" if is_rtl(row.language) else "ltr",
                    **row.reply,
                }
                for row in rows
            ]

    async def forget(self, address: str) -> None:
        def drop() -> None:
            with state_session(self.url) as session:
                session.execute(delete(WebOutboxMessage).where(WebOutboxMessage.address == address))

        await asyncio.to_thread(drop)
