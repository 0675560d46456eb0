"""Multi-turn evaluation: held-out conversations in ``eval/heldout/conversations/<lang>.jsonl``.

Each line is a conversation: ``{"id", "lang", "what", "turns": [{"text", "topics", "kind"}]}``.
Turns of kind ``first`` and ``new_question`` are complete questions; every other kind is a
follow-up that only makes sense after the turn before (cost, where, documents, time, steps,
lost, other_person, short_reply). Played in order, one conversation per user.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orienta.dialogue import first_reply_limit
from orienta.evaluation import jsonl_lines

FIRST_KINDS = frozenset({"first", "new_question"})
KINDS = FIRST_KINDS | {
    "cost", "where", "documents", "time", "steps", "lost", "other_person", "short_reply",
}  # fmt: skip
TARGETS = {
    "follow_up_accuracy": 0.85,
    "first_turn_accuracy": 0.90,
    "conversations_all_right": 0.70,
    "first_replies_within_limit": 1.0,
}


@dataclass(frozen=True)
class GoldTurn:
    text: str
    topics: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Conversation:
    id: str
    lang: str
    what: str
    turns: tuple[GoldTurn, ...]


def load_conversations(path: Path) -> list[Conversation]:
    """Every conversation of every ``*.jsonl`` in a folder (or one file), with file:line errors."""
    found = []
    for file, number, line in jsonl_lines(path, "conversations"):
        try:
            raw = json.loads(line)
            turns = tuple(GoldTurn(t["text"], tuple(t["topics"]), t["kind"]) for t in raw["turns"])
            if not turns or any(t.kind not in KINDS for t in turns):
                raise ValueError(f"turns must be non-empty, kinds one of {sorted(KINDS)}")
            found.append(Conversation(raw["id"], raw["lang"], raw.get("what", ""), turns))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{file}:{number}: bad conversation: {exc}") from exc
    return found


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


async def play(core: Any, conversations: list[Conversation]) -> list[list[dict[str, Any]]]:
    """Each conversation through the core, turn by turn, as one user."""
    from bot.core import Incoming

    played = []
    for conversation in conversations:
        rows = []
        for turn in conversation.turns:
            result = await core.handle(
                Incoming("eval", f"conversation-{conversation.id}", turn.text)
            )
            texts = [str(r.get("text") or "") for r in result.replies]
            rows.append({
                "text": turn.text, "topic": result.topic, "language": result.language,
                "longest_reply": max((len(t) for t in texts), default=0),
                "answer": "\n\n".join(t for t in texts if t),
            })  # fmt: skip
        played.append(rows)
    return played


def score_conversations(
    conversations: list[Conversation],
    played: list[list[dict[str, Any]]],
    domain_topics: frozenset[str],
) -> dict[str, Any]:
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    languages: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    first = [0, 0]
    follow = [0, 0]
    whole = 0
    within = [0, 0]
    misses = []
    for conversation, rows in zip(conversations, played, strict=True):
        all_right = True
        for index, (gold, row) in enumerate(zip(conversation.turns, rows, strict=True)):
            hit = row["topic"] in gold.topics
            bucket = first if gold.kind in FIRST_KINDS else follow
            bucket[0] += hit
            bucket[1] += 1
            kinds[gold.kind][0] += hit
            kinds[gold.kind][1] += 1
            all_right = all_right and hit
            if gold.kind in FIRST_KINDS and row["topic"] in domain_topics:
                within[1] += 1
                within[0] += row["longest_reply"] <= first_reply_limit(conversation.lang)
            if not hit:
                misses.append({
                    "id": f"{conversation.id}#{index + 1}", "kind": gold.kind,
                    "want": list(gold.topics), "got": row["topic"], "text": gold.text,
                })  # fmt: skip
        whole += all_right
        languages[conversation.lang][0] += all_right
        languages[conversation.lang][1] += 1
    summary: dict[str, Any] = {
        "conversations": len(conversations),
        "turns": sum(len(c.turns) for c in conversations),
        "first_turn_accuracy": _ratio(*first),
        "follow_up_accuracy": _ratio(*follow),
        "conversations_all_right": _ratio(whole, len(conversations)),
        "first_replies_within_limit": _ratio(*within),
    }
    met = {k: isinstance(summary[k], float) and summary[k] >= v for k, v in TARGETS.items()}
    return {
        "summary": summary,
        "targets": {k: {"target": v, "met": met[k]} for k, v in TARGETS.items()},
        "all_targets_met": all(met.values()),
        "kinds": {k: {"accuracy": _ratio(*v), "turns": v[1]} for k, v in sorted(kinds.items())},
        "languages": {
            k: {"conversations_all_right": _ratio(*v), "conversations": v[1]}
            for k, v in sorted(languages.items())
        },
        "misses": misses,
    }


def render_markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Orienta conversations",
        "",
        "| measure | value | target | met |",
        "|---|---|---|---|",
    ]
    for key, value in report["summary"].items():
        target = report["targets"].get(key)
        met = ("yes" if target["met"] else "NO") if target else ""
        lines.append(f"| {key} | {value} | {target['target'] if target else ''} | {met} |")
    lines += ["", "## By kind of turn", "", "| kind | turns | accuracy |", "|---|---|---|"]
    lines += [f"| {k} | {v['turns']} | {v['accuracy']} |" for k, v in report["kinds"].items()]
    lines += ["", "## By language", "", "| language | conversations | all right |", "|---|---|---|"]
    lines += [
        f"| {k} | {v['conversations']} | {v['conversations_all_right']} |"
        for k, v in report["languages"].items()
    ]
    lines += ["", f"## Misses ({len(report['misses'])})", ""]
    lines += [
        f"- {m['id']} ({m['kind']}): want {'|'.join(m['want'])}, got {m['got']} ← {m['text']}"
        for m in report["misses"]
    ]
    return "\n".join(lines) + "\n"
