"""Fitting replies into channel limits, and what the core passes on to channels."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import OrientaCore, split_replies
from bot.formatting import shorten, split_text


@pytest.mark.parametrize("limit", [5, 40, 100, 4096])
def test_split_text_keeps_everything_in_order_within_the_limit(limit: int) -> None:
    text = "Primo paragrafo.\n\nSecondo: " + "parola " * 60 + "\nRiga\n\n" + "x" * 250
    parts = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in parts)
    squash = lambda s: "".join(s.split())  # noqa: E731 - separators are where parts split
    assert squash("".join(parts)) == squash(text)


def test_split_text_measures_what_the_channel_counts() -> None:
    parts = split_text("a & b & c & d", 9, measure=lambda s: len(s.replace("&", "&amp;")))
    assert all(len(p.replace("&", "&amp;")) <= 9 for p in parts)


def test_shorten_marks_what_it_cuts() -> None:
    assert shorten("Riconoscimento dei titoli di studio", 24) == "Riconoscimento dei tito…"
    assert shorten("Casa", 24) == "Casa"


def test_office_data_joins_its_card_and_handoff_requests_are_set_apart() -> None:
    messages = [
        {"recipient_id": "x", "text": "🏢 Questura", "buttons": []},
        {"recipient_id": "x", "custom": {"office": {"id": "questura-trento"}}},
        {"recipient_id": "x", "text": "A person will answer"},
        {"recipient_id": "x", "custom": {"handoff": "open"}},
    ]
    replies, requests = split_replies(messages)
    assert replies == [
        {"text": "🏢 Questura", "buttons": [], "office": {"id": "questura-trento"}},
        {"text": "A person will answer"},
    ]
    assert requests == [{"handoff": "open"}]


@pytest.mark.parametrize(
    ("payload", "valid"),
    [
        ("/help", True),
        ('/help{"area": "work"}', True),
        ('/change_language{"language": "ar"}', True),
        ("/start", False),  # not a topic: typed by hand on WhatsApp, say
        ("/help{not json}", False),
        ('/help["a"]', False),
        ("/HELP", False),
    ],
)
def test_only_payloads_orienta_could_have_sent_reach_rasa(payload: str, valid: bool) -> None:
    core = OrientaCore(Path("unused.tar.gz"))
    assert core.valid_payload(payload) is valid


def test_telegram_updates_keep_their_order_per_chat_but_chats_run_side_by_side() -> None:
    import asyncio

    from telegram import Update

    from bot.telegram import ChatOrderedProcessor

    def update(number: int, chat: int) -> Update:
        message = {"message_id": number, "date": 0, "chat": {"id": chat, "type": "private"},
                   "text": "x"}  # fmt: skip
        return Update.de_json({"update_id": number, "message": message}, None)

    log: list[str] = []

    async def work(name: str, delay: float) -> None:
        log.append(f"start {name}")
        await asyncio.sleep(delay)
        log.append(f"end {name}")

    async def scenario() -> None:
        processor = ChatOrderedProcessor(8)
        jobs = [(1, 1, "a1", 0.1), (2, 1, "a2", 0.0), (3, 2, "b1", 0.0)]
        tasks = [
            asyncio.create_task(processor.process_update(update(n, chat), work(name, delay)))
            for n, chat, name, delay in jobs
        ]
        await asyncio.gather(*tasks)
        assert processor._locks == {}  # nothing kept once the chats are idle

    asyncio.run(scenario())
    assert log.index("end a1") < log.index("start a2")  # in order within chat 1
    assert log.index("end b1") < log.index("end a1")  # chat 2 did not wait for chat 1


def test_right_to_left_lines_starting_with_a_latin_name_get_a_direction_mark() -> None:
    from bot.formatting import RLM, bidi_safe, bidi_safe_reply

    urdu = "Orienta ایک خودکار مددگار ہے۔\nCinformi سے پوچھیں"
    assert bidi_safe(urdu) == f"{RLM}Orienta ایک خودکار مددگار ہے۔\n{RLM}Cinformi سے پوچھیں"
    arabic = "مرحبًا! أنا Orienta."
    assert bidi_safe(arabic) == arabic  # already starts right to left
    assert bidi_safe("Hello Orienta") == "Hello Orienta"  # no right-to-left text at all
    reply = bidi_safe_reply(
        {"text": "x", "buttons": [{"title": "Orienta پر واپس", "payload": "/p"}]}
    )
    assert reply["buttons"][0]["title"] == f"{RLM}Orienta پر واپس"
