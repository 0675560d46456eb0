"""The real knowledge base: complete, sourced, and translations that add no facts."""

import re
import shutil
from pathlib import Path

import pytest

from knowledge.commands import add_translation
from knowledge.loader import KNOWLEDGE_DIR, LIST_FIELDS, Knowledge, load
from orienta.settings import get_settings
from orienta.topics import TopicMap

NUMBER = re.compile(r"\d+(?:[.,\s]\d+)*")
#: dates written with dots (Ukrainian "15.10", "17.12.2025") are day and month, not one number
DOTTED_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b|\b(\d{1,2})\.(0[1-9]|1[0-2])\b")
EASTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@pytest.fixture(scope="module")
def kb(topic_map: TopicMap) -> Knowledge:
    return load(KNOWLEDGE_DIR, topic_map, get_settings().languages)


def test_the_knowledge_base_has_no_problems(kb: Knowledge) -> None:
    assert [str(p) for p in kb.problems] == []


def test_every_topic_has_a_sourced_answer_in_every_language(
    kb: Knowledge, topic_map: TopicMap
) -> None:
    missing = []
    for topic_id in topic_map.domain_ids:
        topic = kb.topics.get(topic_id)
        if topic is None:
            missing.append(f"{topic_id}: no answer")
            continue
        assert topic["sources"] and topic["last_verified"], topic_id
        missing += [
            f"{topic_id}/{lang}"
            for lang in get_settings().languages
            if lang not in topic["answers"]
        ]
    assert not missing, missing


def numbers(answer: dict[str, object]) -> set[str]:
    texts = [str(answer["short"]), str(answer.get("confirm") or "")]
    for name in LIST_FIELDS:
        texts += list(answer[name])  # type: ignore[call-overload]
    text = DOTTED_DATE.sub(
        lambda m: " ; ".join(g for g in m.groups() if g), " ".join(texts).translate(EASTERN)
    )
    found = NUMBER.findall(text)
    # "€ 16,00" and "€ 16" are the same amount; "1.200" and "1,200" the same number
    return {re.sub(r"[.,\s]", "", re.sub(r"[.,]00$", "", n)).lstrip("0") or "0" for n in found}


def test_translations_add_no_numbers(kb: Knowledge) -> None:
    added = []
    for topic_id, topic in kb.topics.items():
        source = numbers(topic["answers"]["it"])
        for lang, answer in topic["answers"].items():
            extra = numbers(answer) - source
            if extra:
                added.append(f"{topic_id}/{lang}: {sorted(extra)}")
    assert not added, added


def test_the_emergency_number_is_in_every_language(kb: Knowledge) -> None:
    for lang, answer in kb.topics["emergency"]["answers"].items():
        assert "112" in numbers(answer), lang


def test_add_translation_stamps_the_italian_revision(
    tmp_path: Path, data_dir: Path, mini_map: TopicMap
) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(data_dir / "knowledge", root)
    staged = tmp_path / "staged"
    staged.mkdir()
    (staged / "permit_renewal.yml").write_text(
        "status: machine-assisted\nshort: Renouvelez 60 jours avant.\n"
    )

    class Args:
        language, source, dir = "fr", str(staged), str(root)

    languages = ("it", "en", "fr")
    before = load(root, mini_map, languages)
    assert add_translation(Args()) == 0
    after = load(root, mini_map, languages)
    answer = after.topics["permit_renewal"]["answers"]["fr"]
    assert answer["short"] == "Renouvelez 60 jours avant."
    assert answer["from_revision"] == before.topics["permit_renewal"]["answers"]["it"]["revision"]
