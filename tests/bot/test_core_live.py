"""The conversation core with a trained model and the action server (in-process agent)."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.core import Incoming, OrientaCore, conversation_id
from orienta.i18n import get_translator
from orienta.settings import Settings

pytestmark = pytest.mark.slow


def test_a_shared_location_gets_the_nearest_offices_with_distances(fast_model: Path) -> None:
    async def talk() -> list[dict[str, object]]:
        async with OrientaCore(fast_model, persistent=False) as core:
            await core.handle(Incoming("test", "u1", "Як отримати медичну картку?"))  # Ukrainian
            turn = await core.handle(
                Incoming("test", "u1", None, location=(46.07, 11.12))
            )  # in Trento
            assert (
                turn.topic == "find_office" and turn.language == "uk"
            )  # the conversation's language
            return turn.replies

    replies = asyncio.run(talk())
    first = str(replies[0]["text"])
    assert first.startswith("🏢") and "Trento" in first.splitlines()[0]
    distance = get_translator("uk")("office.distance", km="X").split("X")
    assert first.splitlines()[-1].startswith(distance[0])


def test_a_restart_keeps_the_conversation_and_forget_deletes_every_event(
    fast_model: Path, knowledge_db: str
) -> None:
    """Rasa's SQLTrackerStore in the main database: language and topic survive a restart."""
    settings = Settings(database_url=knowledge_db)  # type: ignore[call-arg]
    user = "restart-user"

    async def before_restart() -> str:
        async with OrientaCore(fast_model, settings) as core:
            turn = await core.handle(
                Incoming("test", user, "Devo rinnovare il permesso di soggiorno, come faccio?")
            )
            return turn.topic

    async def after_restart() -> tuple[str, str]:
        async with OrientaCore(fast_model, settings) as core:
            turn = await core.handle(Incoming("test", user, "e quanto costa?"))
            await core.forget("test", user)
            return turn.topic, turn.language

    assert asyncio.run(before_restart()) == "permit_renewal"
    events = text("SELECT count(*) FROM events WHERE sender_id = :s")
    engine = create_engine(knowledge_db)
    with engine.connect() as connection:
        stored = connection.execute(events, {"s": conversation_id("test", user)}).scalar_one()
    assert stored > 0
    topic, language = asyncio.run(after_restart())
    assert (topic, language) == ("permit_fees", "it")  # the follow-up kept its context
    with engine.connect() as connection:
        assert connection.execute(events, {"s": conversation_id("test", user)}).scalar_one() == 0
