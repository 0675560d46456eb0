"""The training data covers the whole topic map in every language, cleanly."""

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from orienta.conversations import load_conversations
from orienta.dialogue import FOLLOW_UP_INTENTS
from orienta.evaluation import load_gold
from orienta.nlu_data import Example, NluDataError, iter_examples, read_file
from orienta.paths import EVAL_DIR, NLU_DATA_DIR
from orienta.text import normalize
from orienta.topics import OUT_OF_SCOPE, TopicMap

MIN_DOMAIN = 15
MIN_OUT_OF_SCOPE = 30
MIN_CONVERSATION = 5
MIN_FOLLOW_UP = 25
FOLLOW_UP_FILE = "followup"
HEADER = 'version: "3.1"\nnlu:\n- intent: job_search\n  examples: |\n'


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return list(iter_examples(NLU_DATA_DIR))


def test_every_language_has_every_topic_and_follow_up_and_no_other(
    examples: list[Example], topic_map: TopicMap, languages: tuple[str, ...]
) -> None:
    intents = defaultdict(set)
    for e in examples:
        intents[e.language].add(e.intent)
    expected = set(topic_map.ids) | set(FOLLOW_UP_INTENTS)
    for lang in languages:
        assert intents[lang] == expected, f"{lang}: missing {expected - intents[lang]}"


def test_enough_follow_ups_per_kind_and_language(
    examples: list[Example], languages: tuple[str, ...]
) -> None:
    counts = Counter((e.language, e.intent) for e in examples)
    short = [
        f"{lang}/{intent}: {counts[(lang, intent)]}"
        for lang in languages
        for intent in FOLLOW_UP_INTENTS
        if counts[(lang, intent)] < MIN_FOLLOW_UP
    ]
    assert not short, short


def test_enough_examples_per_topic_and_language(
    examples: list[Example], topic_map: TopicMap, languages: tuple[str, ...]
) -> None:
    counts = Counter((e.language, e.intent) for e in examples)
    short = []
    for lang in languages:
        for topic in topic_map.topics.values():
            minimum = (
                MIN_DOMAIN if topic.is_domain
                else MIN_OUT_OF_SCOPE if topic.id == OUT_OF_SCOPE
                else MIN_CONVERSATION
            )  # fmt: skip
            if counts[(lang, topic.id)] < minimum:
                short.append(f"{lang}/{topic.id}: {counts[(lang, topic.id)]} < {minimum}")
    assert not short, short


def test_topics_live_in_the_file_of_their_area(
    examples: list[Example], topic_map: TopicMap
) -> None:
    def placed(e: Example) -> bool:  # follow-ups (and "where?" follow-ups) in followup.yml
        if e.file.stem == FOLLOW_UP_FILE:
            return e.intent in FOLLOW_UP_INTENTS or e.intent == "find_office"
        return e.intent in topic_map.topics and e.file.stem == topic_map.topics[e.intent].area

    misplaced = {
        f"{e.file.relative_to(NLU_DATA_DIR)}: {e.intent}" for e in examples if not placed(e)
    }
    assert not misplaced, sorted(misplaced)


def test_no_example_is_given_two_topics(examples: list[Example]) -> None:
    seen: dict[str, Example] = {}
    conflicts = []
    for e in examples:
        key = normalize(e.text).strip(" ?!.¿¡؟")  # one classifier serves every language
        first = seen.setdefault(key, e)
        if first.intent != e.intent:
            here = f"{e.file.relative_to(NLU_DATA_DIR)}:{e.line}"
            there = f"{first.file.relative_to(NLU_DATA_DIR)}:{first.line}"
            conflicts.append(f"{here} {e.intent} vs {there} {first.intent}: {e.text}")
    assert not conflicts, conflicts


def test_held_out_questions_are_not_in_the_training_data(examples: list[Example]) -> None:
    trained = {normalize(e.text).strip(" ?!.¿¡؟") for e in examples}
    leaked = [
        g.id
        for g in load_gold(EVAL_DIR / "heldout")
        if normalize(g.text).strip(" ?!.¿¡؟") in trained
    ]
    assert not leaked, leaked


def test_held_out_conversations_cover_every_language_and_kind_apart_from_training(
    examples: list[Example], languages: tuple[str, ...], topic_map: TopicMap
) -> None:
    conversations = load_conversations(EVAL_DIR / "heldout" / "conversations")
    assert len(conversations) >= 60
    assert {c.lang for c in conversations} == set(languages)
    assert all(2 <= len(c.turns) <= 5 for c in conversations)
    kinds = {t.kind for c in conversations for t in c.turns}
    assert kinds >= {"cost", "where", "documents", "time", "lost", "other_person", "short_reply"}
    assert {x for c in conversations for t in c.turns for x in t.topics} <= set(topic_map.ids)
    trained = {normalize(e.text).strip(" ?!.¿¡؟") for e in examples}
    leaked = [
        f"{c.id}: {t.text}"
        for c in conversations
        for t in c.turns
        # "thanks a lot" or a one-word greeting is the same everywhere
        if t.kind != "short_reply"
        and len(t.text.split()) > 2
        and normalize(t.text).strip(" ?!.¿¡؟") in trained
    ]
    assert not leaked, leaked


def test_held_out_set_has_twenty_questions_per_language(
    languages: tuple[str, ...], topic_map: TopicMap
) -> None:
    gold = load_gold(EVAL_DIR / "heldout")
    per_lang = Counter(g.lang for g in gold)
    assert all(per_lang[lang] >= 20 for lang in languages), per_lang
    unknown = {t for g in gold for t in g.topics} - set(topic_map.ids)
    assert not unknown


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "work.yml"
    bad.write_text(
        'version: "3.1"\nnlu:\n- intent: job_search\n  examples: |\n    - a\n   - b: [\n'
    )
    with pytest.raises(NluDataError, match=r"work\.yml"):
        read_file(bad, "en")


def test_bad_example_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "work.yml"
    bad.write_text(HEADER + "    - find a job\n    no dash here\n")
    with pytest.raises(NluDataError, match=r"work\.yml:6: example must start"):
        read_file(bad, "en")


def test_examples_carry_their_line(tmp_path: Path) -> None:
    good = tmp_path / "work.yml"
    good.write_text(HEADER + "    - find a job\n    - [lavoro](x) please\n")
    rows = read_file(good, "en")
    assert [(r.line, r.text) for r in rows] == [(5, "find a job"), (6, "lavoro please")]
