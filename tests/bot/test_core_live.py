"""The conversation core with a trained model and the action server (in-process agent)."""

import asyncio
from pathlib import Path

import pytest

from bot.core import Incoming, OrientaCore
from orienta.i18n import get_translator

pytestmark = pytest.mark.slow


def test_a_shared_location_gets_the_nearest_offices_with_distances(fast_model: Path) -> None:
    async def talk() -> list[dict[str, object]]:
        async with OrientaCore(fast_model) as core:
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
