"""Shared fixtures. Slow fixtures train a fast model once per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from knowledge.db import get_engine, migrate, session_scope
from knowledge.loader import KNOWLEDGE_DIR, load
from knowledge.store import import_knowledge
from orienta.paths import PROJECT_ROOT
from orienta.settings import get_settings
from orienta.topics import TopicMap, load_topic_map

DATA = Path(__file__).parent / "data"


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("ORIENTA_DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def knowledge_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real knowledge/ imported into a fresh SQLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'orienta.db'}"
    kb = load(KNOWLEDGE_DIR, load_topic_map(), get_settings().languages)
    assert not kb.problems, [str(p) for p in kb.problems]
    migrate(url)
    with session_scope(url) as session:
        import_knowledge(session, kb)
    return url


@pytest.fixture
def with_knowledge(monkeypatch: pytest.MonkeyPatch, knowledge_db: str) -> Iterator[str]:
    use_database(monkeypatch, knowledge_db)
    yield knowledge_db
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def topic_map() -> TopicMap:
    return load_topic_map()


@pytest.fixture(scope="session")
def languages() -> tuple[str, ...]:
    return get_settings().languages


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def fast_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained with the real pipeline and data but few epochs (about a minute)."""
    from orienta.training import train

    return train(tmp_path_factory.mktemp("models"), config=DATA / "config-fast.yml", quiet=True)


def run_orienta(
    *args: str, stdin: str = "", timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``orienta`` command as a user would."""
    exe = Path(sys.executable).parent / "orienta"
    env = {**os.environ, "ORIENTA_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [str(exe), *args], input=stdin, capture_output=True, text=True, timeout=timeout,
        cwd=PROJECT_ROOT, env=env,
    )  # fmt: skip


def ask_jsonl(model: Path, rows: list[dict[str, object] | str]) -> list[dict[str, object]]:
    """Send rows (objects, or raw lines) through ``orienta ask --jsonl``; parse the output."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    result = run_orienta("ask", "--jsonl", "--model", str(model), stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


POSTGRES = os.environ.get(
    "ORIENTA_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'orienta.db'}"
        return
    schema = f"orienta_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES, future=True)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES}: {exc.orig}")
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()
