"""Staff replies for web chat tabs and answered deliveries live in the database: a restart
neither loses a reply nor answers a delivery twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from bot.deliveries import DeliveryLog
from bot.web.outbox import WebOutbox
from knowledge.db import migrate


def test_reply_ids_never_repeat_and_a_tab_only_acknowledges_what_it_showed(
    database_url: str,
) -> None:
    migrate(database_url)

    async def run() -> None:
        before = WebOutbox(database_url)
        await before.deliver("tab-aaaaaaaa", [{"text": "one"}, {"text": "two"}], "it")
        first = await before.fetch("tab-aaaaaaaa", 0)
        assert [m["text"] for m in first] == ["one", "two"]
        shown = first[-1]["id"]
        assert await before.fetch("tab-aaaaaaaa", shown) == []  # acknowledged, deleted
        after = WebOutbox(database_url)  # Orienta restarted
        await after.deliver("tab-aaaaaaaa", [{"text": "three"}], "ar")
        (new,) = await after.fetch("tab-aaaaaaaa", shown)  # the tab still polls after=shown
        assert new["id"] > shown and new["text"] == "three" and new["direction"] == "rtl"
        assert await after.fetch("tab-bbbbbbbb", 0) == []  # other tabs see nothing of it
        await after.forget("tab-aaaaaaaa")
        assert await after.fetch("tab-aaaaaaaa", 0) == []

    asyncio.run(run())


def test_a_delivery_is_answered_once_also_after_a_restart(database_url: str) -> None:
    migrate(database_url)
    assert DeliveryLog(database_url).first_time("whatsapp", "wamid.ABC")
    assert not DeliveryLog(database_url).first_time("whatsapp", "wamid.ABC")  # a new process
    assert DeliveryLog(database_url).first_time("telegram", "wamid.ABC")  # another channel
