"""The conversation scores, on hand-made conversations and replies."""

from pathlib import Path

import pytest

from orienta.conversations import load_conversations, score_conversations

LINES = [
    '{"id": "c1", "lang": "en", "turns": ['
    '{"text": "how do i renew my permit", "topics": ["permit_renewal"], "kind": "first"},'
    '{"text": "how much?", "topics": ["permit_fees"], "kind": "cost"},'
    '{"text": "thanks", "topics": ["thanks"], "kind": "short_reply"}]}',
    '{"id": "c2", "lang": "zh", "turns": ['
    '{"text": "怎么办银行卡", "topics": ["bank_account"], "kind": "first"},'
    '{"text": "在哪里", "topics": ["find_office"], "kind": "where"}]}',
]


def row(topic: str, longest: int = 100) -> dict[str, object]:
    return {"topic": topic, "longest_reply": longest}


def test_first_and_follow_up_turns_are_scored_apart(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    conversations = load_conversations(tmp_path)
    played = [
        [row("permit_renewal"), row("permit_renewal"), row("thanks", 30)],
        [row("bank_account", 280), row("find_office")],
    ]
    report = score_conversations(
        conversations, played, frozenset({"permit_renewal", "bank_account"})
    )
    s = report["summary"]
    assert s["first_turn_accuracy"] == 1.0
    assert s["follow_up_accuracy"] == round(2 / 3, 4)  # the cost turn missed
    assert s["conversations_all_right"] == 0.5
    assert s["first_replies_within_limit"] == 1.0
    assert report["kinds"]["cost"] == {"accuracy": 0.0, "turns": 1}
    assert report["misses"] == [{"id": "c1#2", "kind": "cost", "want": ["permit_fees"],
                                 "got": "permit_renewal", "text": "how much?"}]  # fmt: skip
    assert not report["all_targets_met"]


def test_a_first_reply_too_long_for_the_language_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(LINES[1] + "\n", encoding="utf-8")
    played = [[row("bank_account", 301), row("find_office")]]  # Chinese: 300 at most
    report = score_conversations(load_conversations(path), played, frozenset({"bank_account"}))
    assert report["summary"]["first_replies_within_limit"] == 0.0


def test_a_bad_conversation_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(LINES[0] + "\n" + LINES[1].replace('"where"', '"whenever"') + "\n")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load_conversations(path)
