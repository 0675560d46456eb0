"""``orienta eval``: topic precision/recall per language and topic, language identification,
out-of-scope detection, answer language and the most confused topic pairs, on a held-out set.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orienta.topics import OUT_OF_SCOPE

TARGETS = {
    "topic_accuracy": 0.90,
    "worst_language_accuracy": 0.80,
    "language_id_accuracy": 0.97,
    "oos_precision": 0.80,
    "oos_recall": 0.80,
}


@dataclass(frozen=True)
class Gold:
    id: str
    text: str
    lang: str
    topics: tuple[str, ...]
    answer_lang: str | None
    tier: int


def jsonl_lines(path: Path, what: str) -> Iterator[tuple[Path, int, str]]:
    """The non-empty lines of a ``.jsonl`` file, or of every one in a folder (name order),
    with their file and line number."""
    if not path.exists():
        raise FileNotFoundError(f"{what} not found: {path}")
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                yield file, number, line


def load_gold(path: Path) -> list[Gold]:
    """Rows of a gold file, or of every ``*.jsonl`` in a folder (in name order)."""
    rows = []
    for file, number, line in jsonl_lines(path, "gold file or folder"):
        try:
            raw = json.loads(line)
            rows.append(
                Gold(
                    raw["id"],
                    raw["text"],
                    raw["lang"],
                    tuple(raw["topics"]),
                    raw.get("answer_lang"),
                    int(raw.get("tier", 1)),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{file}:{number}: bad gold row: {exc}") from exc
    return rows


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def answer_language_judge() -> Any:
    """The same judge as shared/eval/score.py: lingua on the answer's longest lines."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = ["it", "en", "fr", "es", "ar", "ur", "sq", "ro", "uk", "zh"]
    codes += ["ru", "bn", "pa", "mk", "pt", "ka", "tl"]
    langs = []
    for code in codes:
        try:
            langs.append(IsoCode639_1.from_str(code))
        except ValueError:
            continue
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*langs).build()

    def judge(text: str) -> str | None:
        lines = sorted((ln for ln in text.splitlines() if len(ln) > 20), key=len, reverse=True)[:4]
        lang = detector.detect_language_of(" ".join(lines) or text)
        return lang.iso_code_639_1.name.lower() if lang else None

    return judge


def score(gold: list[Gold], pred: list[dict[str, Any]]) -> dict[str, Any]:
    """All the numbers of the report, from gold rows and ``orienta ask --jsonl`` rows."""
    judge = answer_language_judge()
    per_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    tp: Counter[tuple[str, str]] = Counter()
    fp: Counter[tuple[str, str]] = Counter()
    fn: Counter[tuple[str, str]] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    lang_ok = lang_n = ans_ok = ans_n = 0
    oos = Counter[str]()
    misses = []
    for g, p in zip(gold, pred, strict=True):
        topic = p.get("topic")
        hit = topic in g.topics
        per_lang[g.lang][0] += hit
        per_lang[g.lang][1] += 1
        for key in (g.lang, "*"):
            if hit:
                tp[(key, str(topic))] += 1
            else:
                fp[(key, str(topic))] += 1
                fn[(key, g.topics[0])] += 1
        if not hit:
            confusions[(g.topics[0], str(topic))] += 1
            misses.append({"id": g.id, "want": list(g.topics), "got": topic, "text": g.text})
        gold_oos = OUT_OF_SCOPE in g.topics
        oos["tp"] += gold_oos and topic == OUT_OF_SCOPE
        oos["fn"] += gold_oos and topic != OUT_OF_SCOPE
        oos["fp"] += (not gold_oos) and topic == OUT_OF_SCOPE
        if g.tier == 1:
            lang_n += 1
            lang_ok += p.get("language") == g.lang
        if g.answer_lang and (p.get("answer") or "").strip():
            ans_n += 1
            ans_ok += judge(p["answer"]) == g.answer_lang

    def prf(key: str) -> dict[str, dict[str, float | None]]:
        topics = {t for (k, t) in (*tp, *fp, *fn) if k == key}
        return {
            t: {
                "precision": _ratio(tp[(key, t)], tp[(key, t)] + fp[(key, t)]),
                "recall": _ratio(tp[(key, t)], tp[(key, t)] + fn[(key, t)]),
                "support": tp[(key, t)] + fn[(key, t)],
            }
            for t in sorted(topics)
        }

    def macro(table: dict[str, dict[str, float | None]], field: str) -> float | None:
        values = [v[field] for v in table.values() if v[field] is not None and v["support"]]
        return round(sum(values) / len(values), 4) if values else None  # type: ignore[arg-type]

    languages = {}
    for lang in sorted(per_lang):
        table = prf(lang)
        languages[lang] = {
            "accuracy": _ratio(*per_lang[lang]),
            "rows": per_lang[lang][1],
            "macro_precision": macro(table, "precision"),
            "macro_recall": macro(table, "recall"),
        }
    total_hit = sum(v[0] for v in per_lang.values())
    summary = {
        "rows": len(gold),
        "topic_accuracy": _ratio(total_hit, len(gold)),
        "worst_language_accuracy": min(
            (v["accuracy"] or 0.0 for v in languages.values()), default=None
        ),
        "language_id_accuracy": _ratio(lang_ok, lang_n),
        "oos_precision": _ratio(oos["tp"], oos["tp"] + oos["fp"]),
        "oos_recall": _ratio(oos["tp"], oos["tp"] + oos["fn"]),
        "answer_language_ok": _ratio(ans_ok, ans_n),
    }
    met = {}
    for key, target in TARGETS.items():
        value = summary[key]
        met[key] = isinstance(value, float) and value >= target
    return {
        "summary": summary,
        "targets": {k: {"target": v, "met": met[k]} for k, v in TARGETS.items()},
        "all_targets_met": all(met.values()),
        "languages": languages,
        "topics": prf("*"),
        "confused_pairs": [
            {"gold": a, "predicted": b, "count": n} for (a, b), n in confusions.most_common(15)
        ],
        "misses": misses,
    }


def render_markdown(report: dict[str, Any]) -> str:
    s = report["summary"]
    lines = ["# Orienta evaluation", "", "## Summary", "", "| measure | value | target | met |"]
    lines.append("|---|---|---|---|")
    for key, value in s.items():
        target = report["targets"].get(key)
        lines.append(
            f"| {key} | {value} | {target['target'] if target else ''} | "
            f"{('yes' if target['met'] else 'NO') if target else ''} |"
        )
    lines += ["", "## Per language", "", "| language | rows | accuracy | macro P | macro R |"]
    lines.append("|---|---|---|---|---|")
    for lang, v in report["languages"].items():
        cells = [lang, v["rows"], v["accuracy"], v["macro_precision"], v["macro_recall"]]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += [
        "",
        "## Per topic",
        "",
        "| topic | support | precision | recall |",
        "|---|---|---|---|",
    ]
    for topic, v in report["topics"].items():
        lines.append(f"| {topic} | {v['support']} | {v['precision']} | {v['recall']} |")
    lines += ["", "## Most confused pairs (gold → predicted)", ""]
    lines += [f"- {c['gold']} → {c['predicted']}: {c['count']}" for c in report["confused_pairs"]]
    lines += ["", f"## Misses ({len(report['misses'])})", ""]
    lines += [
        f"- {m['id']}: want {'|'.join(m['want'])}, got {m['got']} ← {m['text']}"
        for m in report["misses"]
    ]
    return "\n".join(lines) + "\n"


async def predict(core: Any, gold: list[Gold]) -> list[dict[str, Any]]:
    from bot.core import Incoming

    rows = []
    for i, g in enumerate(gold):
        turn = await core.handle(Incoming("eval", f"eval-{i}", g.text))
        rows.append({"text": g.text, "language": turn.language, "topic": turn.topic,
                     "confidence": turn.confidence, "answer": turn.answer})  # fmt: skip
    return rows


def _print_summary(report: dict[str, Any]) -> None:
    for key, value in report["summary"].items():
        target = report["targets"].get(key)
        mark = (
            ""
            if not target
            else ("  ok" if target["met"] else f"  BELOW TARGET {target['target']}")
        )
        print(f"{key:26} {value}{mark}")


async def run_evaluation(
    model: Path,
    gold_file: Path,
    report_dir: Path,
    check: bool,
    conversations_path: Path | None = None,
) -> int:
    """Single questions (``gold_file``) and, when given, held-out conversations."""
    from bot.core import OrientaCore
    from orienta import conversations as conv
    from orienta.topics import load_topic_map

    try:
        gold = load_gold(gold_file)
        dialogues = conv.load_conversations(conversations_path) if conversations_path else []
    except (FileNotFoundError, ValueError) as exc:
        print(f"orienta eval: {exc}", file=sys.stderr)
        return 2
    if not gold:
        print(f"orienta eval: no gold rows in {gold_file}", file=sys.stderr)
        return 2
    async with OrientaCore(model, persistent=False) as core:  # every run starts fresh
        pred = await predict(core, gold)
        played = await conv.play(core, dialogues) if dialogues else []
    report = score(gold, pred)
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "eval.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    (report_dir / "eval.md").write_text(render_markdown(report), encoding="utf-8")
    with (report_dir / "predictions.jsonl").open("w", encoding="utf-8") as f:
        for row in pred:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    s = report["summary"]
    print(f"model: {model.name}   gold: {gold_file} ({s['rows']} rows)")
    _print_summary(report)
    print(
        "per language: " + "  ".join(f"{k} {v['accuracy']}" for k, v in report["languages"].items())
    )
    pairs = (f"{c['gold']}→{c['predicted']} ×{c['count']}" for c in report["confused_pairs"][:5])
    print("most confused: " + "; ".join(pairs))
    print(f"report: {report_dir / 'eval.md'}")
    met = report["all_targets_met"]
    if dialogues:
        domain = frozenset(load_topic_map().domain_ids)
        conv_report = conv.score_conversations(dialogues, played, domain)
        (report_dir / "conversations.json").write_text(
            json.dumps({**conv_report, "played": played}, ensure_ascii=False, indent=1)
        )
        (report_dir / "conversations.md").write_text(
            conv.render_markdown(conv_report), encoding="utf-8"
        )
        print(f"\nconversations: {conversations_path}")
        _print_summary(conv_report)
        kinds = conv_report["kinds"].items()
        print("by kind: " + "  ".join(f"{k} {v['accuracy']}" for k, v in kinds))
        print(f"report: {report_dir / 'conversations.md'}")
        met = met and conv_report["all_targets_met"]
    return 1 if check and not met else 0
