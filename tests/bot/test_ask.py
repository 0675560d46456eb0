"""``orienta ask --jsonl``: the contract, through a really trained model and the action server."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orienta.i18n import get_translator
from orienta.paths import PROJECT_ROOT
from orienta.settings import get_settings
from orienta.text import script_counts
from orienta.topics import TopicMap

from ..conftest import ask_jsonl, run_orienta

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def answered(fast_model: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object] | str] = [
        {"id": "a", "text": "كيف أجدد تصريح الإقامة؟", "lang": "ar", "extra": [1, 2]},
        "this line is not json",
        {"text": "我想学意大利语"},
        {"no_text": True},
        {"text": "Devo rinnovare il permesso che scade a marzo, come faccio?"},
        {"text": "Devo rinnovare il permesso di soggiorno e non so come fare. " * 40},
        {"text": "   "},
        {"text": "mujhe permesso renew karwana hai"},
    ]
    return ask_jsonl(fast_model, rows)


def test_one_line_per_input_in_order(answered: list[dict[str, object]]) -> None:
    assert len(answered) == 8
    assert answered[0]["text"] == "كيف أجدد تصريح الإقامة؟"
    assert answered[2]["text"] == "我想学意大利语"
    assert answered[4]["text"].startswith("Devo rinnovare")  # type: ignore[union-attr]


def test_every_answer_has_the_contract_fields(
    answered: list[dict[str, object]], topic_map: TopicMap
) -> None:
    for row in (r for r in answered if "error" not in r):
        assert {"text", "language", "topic", "confidence", "answer"} <= set(row)
        assert row["topic"] in topic_map.ids
        assert isinstance(row["confidence"], float) and 0.0 <= row["confidence"] <= 1.0
        assert isinstance(row["language"], str) and len(row["language"]) == 2
        assert row["answer"]


def test_bad_lines_get_an_error_and_lose_nothing(answered: list[dict[str, object]]) -> None:
    assert "line 2" in str(answered[1]["error"]) and answered[1]["text"] is None
    assert "line 4" in str(answered[3]["error"])


def test_answers_come_in_the_language_of_the_question(answered: list[dict[str, object]]) -> None:
    assert (
        answered[0]["language"] == "ar"
        and script_counts(str(answered[0]["answer"])).get("arabic", 0) > 20
    )
    assert (
        answered[2]["language"] == "zh"
        and script_counts(str(answered[2]["answer"])).get("han", 0) > 10
    )
    assert answered[4]["language"] == "it"
    assert answered[7]["language"] == "ur"  # Roman Urdu: answered in Urdu script
    assert script_counts(str(answered[7]["answer"])).get("arabic", 0) > 20


def test_huge_and_empty_messages_get_a_polite_reply(answered: list[dict[str, object]]) -> None:
    limit = get_settings().max_message_chars
    assert answered[5]["language"] == "it"
    assert answered[5]["answer"] == get_translator("it")("error.too_long", limit=limit)
    assert answered[6]["answer"] == get_translator(get_settings().default_language)(
        "error.not_text"
    )


def test_single_question_is_readable(fast_model: Path) -> None:
    result = run_orienta("ask", "--model", str(fast_model), "Як знайти роботу?")
    assert result.returncode == 0, result.stderr[-2000:]
    header, _, answer = result.stdout.partition("\n")
    assert header.startswith("[uk ·") and answer.strip()


def test_rows_of_one_conversation_follow_each_other(fast_model: Path) -> None:
    """Rows with the same "conversation" are one conversation, in input order; interleaved
    conversations and rows without one stay apart."""
    rows: list[dict[str, object] | str] = [
        {"conversation": "a", "text": "Devo rinnovare il permesso di soggiorno, come faccio?"},
        {"conversation": 7, "text": "how do i open a bank account in italy?"},
        {"conversation": "a", "text": "e quanto costa?"},
        {"text": "e quanto costa?"},
        {"conversation": 7, "text": "where do i go for that?"},
        {"conversation": ["a"], "text": "e quanto costa?"},
    ]
    out = ask_jsonl(fast_model, rows)
    assert [r.get("conversation") for r in out[:5]] == ["a", 7, "a", None, 7]
    assert out[0]["topic"] == "permit_renewal" and out[1]["topic"] == "bank_account"
    assert out[2]["topic"] == "permit_fees"  # "how much?" after a permit: what a permit costs
    assert out[3]["topic"] != "permit_fees"  # alone, it refers to nothing
    assert out[4]["topic"] == "find_office"
    assert "🏢" in str(out[4]["answer"])
    assert "line 6" in str(out[5]["error"]) and "conversation" in str(out[5]["error"])


def test_hostile_lines_get_their_error_and_the_batch_goes_on(fast_model: Path) -> None:
    lines = [
        b'{"text": "ciao", "language_hint": 5}',
        b"[" * 100_000 + b"]" * 100_000,  # nested too deeply for any parser
        b'{"text": "\\ud800 come rinnovo il permesso?"}',  # a lone surrogate
        b'\xff\xfe{"text": "not utf-8"}',
        b'{"text": "ciao\\u0000 come faccio il codice fiscale?"}',  # a NUL inside
        b'{"text": "Come faccio il codice fiscale?"}',
    ]
    exe = Path(sys.executable).parent / "orienta"
    result = subprocess.run(
        [str(exe), "ask", "--jsonl", "--model", str(fast_model)],
        input=b"\n".join(lines) + b"\n", capture_output=True, timeout=600, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == 6
    for number, reason in ((1, "language_hint"), (2, "nested"), (3, "surrogate"), (4, "UTF-8")):
        assert f"line {number}:" in out[number - 1]["error"] and reason in out[number - 1]["error"]
    assert out[4]["topic"] == "fiscal_code" and "\x00" not in out[4]["answer"]
    assert out[5]["topic"] == "fiscal_code"
    assert b"Traceback" not in result.stderr
