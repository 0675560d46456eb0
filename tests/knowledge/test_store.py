"""The same load works on SQLite and PostgreSQL, is all-or-nothing, and exports back to YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from knowledge.db import migrate, session_scope
from knowledge.loader import load
from knowledge.models import Answer, Office, Topic
from knowledge.store import ImportRefusedError, export_knowledge, import_knowledge, stats
from orienta.topics import TopicMap

from .conftest import LANGUAGES


def test_import_then_query(database_url: str, kb_dir: Path, mini_map: TopicMap) -> None:
    kb = load(kb_dir, mini_map, LANGUAGES)
    migrate(database_url)
    with session_scope(database_url) as session:
        counts = import_knowledge(session, kb)
    assert counts["topics"] == 2 and counts["answers"] == 4 and counts["offices"] == 2
    with session_scope(database_url) as session:
        answer = session.get(Answer, ("permit_renewal", "en"))
        assert answer.short == "Renew at least 60 days before."
        assert answer.topic.sources[0]["url"] == "http://www.cinformi.it/"
        assert session.get(Office, "questura-trento").hours["thu"] == ["08:30-12:30", "15:15-17:45"]


def test_a_failed_load_leaves_the_previous_content(
    database_url: str, kb_dir: Path, mini_map: TopicMap
) -> None:
    migrate(database_url)
    with session_scope(database_url) as session:
        import_knowledge(session, load(kb_dir, mini_map, LANGUAGES))
    broken = load(kb_dir, mini_map, LANGUAGES)
    broken.offices["questura-trento"]["name"] = None  # violates NOT NULL half-way through the load
    with pytest.raises(sa.exc.IntegrityError), session_scope(database_url) as session:
        import_knowledge(session, broken)
    with session_scope(database_url) as session:
        assert stats(session)["topics"] == 2
        assert session.get(Topic, "cinformi") is not None


def test_knowledge_with_problems_is_refused(
    kb_dir: Path, mini_map: TopicMap, tmp_path: Path
) -> None:
    (kb_dir / "offices/questura.yml").write_text("offices: [")
    kb = load(kb_dir, mini_map, LANGUAGES)
    url = f"sqlite:///{tmp_path / 'refused.db'}"
    migrate(url)
    with (
        pytest.raises(ImportRefusedError, match="Nothing was loaded"),
        session_scope(url) as session,
    ):
        import_knowledge(session, kb)


def test_export_gives_back_the_same_knowledge(
    kb_dir: Path, mini_map: TopicMap, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'round.db'}"
    migrate(url)
    original = load(kb_dir, mini_map, LANGUAGES)
    with session_scope(url) as session:
        import_knowledge(session, original)
    out = tmp_path / "exported"
    with session_scope(url) as session:
        export_knowledge(session, out)
    again = load(out, mini_map, LANGUAGES)
    assert again.problems == []
    for topic_id, topic in original.topics.items():
        for lang, answer in topic["answers"].items():
            assert again.topics[topic_id]["answers"][lang]["revision"] == answer["revision"]
    assert {k: {**v, "file": None, "line": None} for k, v in again.offices.items()} == {
        k: {**v, "file": None, "line": None} for k, v in original.offices.items()
    }
    assert again.comuni == original.comuni
