from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orienta.topics import Topic, TopicMap

LANGUAGES = ("it", "en")


@pytest.fixture
def mini_map() -> TopicMap:
    """Two topics are enough to exercise every rule of the loader."""
    return TopicMap(
        areas={"documents": "Documents", "reception": "Reception", "conversation": "Talk"},
        topics={
            "permit_renewal": Topic("permit_renewal", "documents", ""),
            "cinformi": Topic("cinformi", "reception", ""),
            "greet": Topic("greet", "conversation", ""),
        },
    )


@pytest.fixture
def kb_dir(tmp_path: Path, data_dir: Path) -> Path:
    """A writable copy of tests/data/knowledge with the cinformi topic added."""
    root = tmp_path / "knowledge"
    shutil.copytree(data_dir / "knowledge", root)
    (root / "topics" / "reception").mkdir()
    text = (root / "topics/documents/permit_renewal.yml").read_text()
    text = text.replace("topic: permit_renewal", "topic: cinformi").replace(
        "[questura-trento]", "[cinformi-trento]"
    )
    (root / "topics/reception/cinformi.yml").write_text(text)
    return root
