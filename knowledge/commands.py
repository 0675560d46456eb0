"""``orienta kb``: check, import, export, stats and stamp the knowledge base."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from knowledge.loader import KNOWLEDGE_DIR, SOURCE_LANGUAGE, Knowledge, load
from orienta.settings import get_settings
from orienta.topics import load_topic_map


def read(root: Path) -> Knowledge:
    settings = get_settings()
    return load(root, load_topic_map(), settings.languages)


def check(args: argparse.Namespace) -> int:
    kb = read(Path(args.dir))
    languages = get_settings().languages
    for problem in kb.problems:
        print(problem)
    for warning in kb.warnings:
        print(f"{warning} (warning)")
    coverage = kb.coverage(languages)
    complete = sum(1 for missing in coverage.values() if not missing)
    total = len(load_topic_map().domain_ids)
    print(f"\ncoverage: {complete}/{total} topics in all {len(languages)} languages")
    for lang in languages:
        have = sum(1 for missing in coverage.values() if lang not in missing)
        print(f"  {lang}: {have} topics")
    if kb.outdated:
        print(f"\n{len(kb.outdated)} translations not made from the current Italian text:")
        for topic, lang, old, new in kb.outdated:
            print(f"  {topic}/{lang}: made from {old or 'unknown'}, Italian is now {new}")
    print(f"\n{len(kb.problems)} problems, {len(kb.warnings)} warnings")
    return 1 if kb.problems else 0


def do_import(args: argparse.Namespace) -> int:
    from knowledge.db import DatabaseUnavailableError, migrate, session_scope
    from knowledge.store import import_knowledge

    kb = read(Path(args.dir))
    if kb.problems:
        for problem in kb.problems:
            print(problem, file=sys.stderr)
        print(
            f"orienta kb import: {len(kb.problems)} problems, nothing was loaded", file=sys.stderr
        )
        return 1
    try:
        migrate()
        with session_scope() as session:
            counts = import_knowledge(session, kb)
    except DatabaseUnavailableError as exc:
        print(f"orienta kb import: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(counts, indent=1))
    return 0


def do_export(args: argparse.Namespace) -> int:
    from knowledge.db import migrate, session_scope
    from knowledge.store import export_knowledge

    migrate()
    with session_scope() as session:
        written = export_knowledge(session, Path(args.out))
    print(f"wrote {len(written)} files to {args.out}")
    return 0


def do_stats(args: argparse.Namespace) -> int:
    from knowledge.db import migrate, session_scope
    from knowledge.store import stats

    migrate()
    with session_scope() as session:
        print(json.dumps(stats(session), indent=1))
    return 0


def stamp(args: argparse.Namespace) -> int:
    """Record, for translations with no ``from_revision``, the current Italian revision."""
    kb = read(Path(args.dir))
    stamped = 0
    for topic in kb.topics.values():
        source = topic["answers"].get(SOURCE_LANGUAGE)
        if not source:
            continue
        path = KNOWLEDGE_DIR.parent / topic["file"]
        text = path.read_text(encoding="utf-8")
        for lang, answer in topic["answers"].items():
            if (
                lang == SOURCE_LANGUAGE
                or answer["from_revision"]
                or (args.language and lang != args.language)
            ):
                continue
            pattern = re.compile(rf"(^  {re.escape(lang)}:\n(    status: .*\n)?)", re.MULTILINE)
            text, n = pattern.subn(
                rf'\g<1>    from_revision: "{source["revision"]}"\n', text, count=1
            )
            stamped += n
        path.write_text(text, encoding="utf-8")
    print(f"stamped {stamped} translations")
    return 0


def add_translation(args: argparse.Namespace) -> int:
    """Put translated answers (one ``<topic>.yml`` per topic in a folder) into the topic files."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    kb = read(Path(args.dir))
    yaml_rt = YAML()
    yaml_rt.indent(mapping=2, sequence=4, offset=2)
    yaml_rt.width = 4096  # type: ignore[assignment]  # ruamel declares it Optional[None]
    added, problems = 0, []
    for staged in sorted(Path(args.source).glob("*.yml")):
        topic = kb.topics.get(staged.stem)
        if topic is None:
            problems.append(f"{staged}: no topic {staged.stem!r} in the knowledge base")
            continue
        answer: Any = yaml_rt.load(staged.read_text(encoding="utf-8"))
        if not isinstance(answer, dict) or not answer.get("short"):
            problems.append(f"{staged}: expected an answer with at least 'short'")
            continue
        head = [
            ("status", answer.get("status", "machine-assisted")),
            ("from_revision", topic["answers"][SOURCE_LANGUAGE]["revision"]),
        ]
        rest = [(k, v) for k, v in answer.items() if k not in ("status", "from_revision")]
        path = KNOWLEDGE_DIR.parent / topic["file"]
        document = yaml_rt.load(path.read_text(encoding="utf-8"))
        document["answers"][args.language] = CommentedMap(head + rest)
        with path.open("w", encoding="utf-8") as f:
            yaml_rt.dump(document, f)
        added += 1
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"added {added} {args.language} answers")
    return 1 if problems else 0


def add_parser(sub: Any) -> None:
    kb = sub.add_parser("kb", help="the knowledge base: check, import, export, stats")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    c = kb_sub.add_parser("check", help="validate the YAML and report coverage")
    c.add_argument("--dir", default=str(KNOWLEDGE_DIR))
    c.set_defaults(kb_run=check)
    i = kb_sub.add_parser("import", help="load the YAML into the database (all or nothing)")
    i.add_argument("--dir", default=str(KNOWLEDGE_DIR))
    i.set_defaults(kb_run=do_import)
    e = kb_sub.add_parser("export", help="write the database back to YAML")
    e.add_argument(
        "--out", required=True, help="a folder (use knowledge/ to overwrite the sources)"
    )
    e.set_defaults(kb_run=do_export)
    s = kb_sub.add_parser("stats", help="what the database holds")
    s.set_defaults(kb_run=do_stats)
    st = kb_sub.add_parser("stamp", help="record the Italian revision on new translations")
    st.add_argument("--dir", default=str(KNOWLEDGE_DIR))
    st.add_argument("--language")
    st.set_defaults(kb_run=stamp)
    tr = kb_sub.add_parser(
        "add-translation", help="add translated answers from a folder of <topic>.yml"
    )
    tr.add_argument("--language", required=True)
    tr.add_argument("--source", required=True, help="a folder with one <topic>.yml per topic")
    tr.add_argument("--dir", default=str(KNOWLEDGE_DIR))
    tr.set_defaults(kb_run=add_translation)
