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
