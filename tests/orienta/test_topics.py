from pathlib import Path

import pytest

from orienta.topics import TopicMap, TopicMapError, parse_topic_map


def test_topic_map_has_the_seven_areas_and_conversation(topic_map: TopicMap) -> None:
    assert {
        "reception",
        "documents",
        "health_social",
        "work",
        "housing",
        "training",
        "finance",
    } <= set(topic_map.domain_areas)
    assert topic_map.topics["permit_renewal"].is_domain
    assert not topic_map.topics["greet"].is_domain
    assert "out_of_scope" in topic_map.ids


def test_unknown_area_is_reported_with_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "topics.yml"
    bad.write_text("areas: {work: Work}\ntopics:\n  job_search: {area: jobs}\n")
    with pytest.raises(TopicMapError, match=r"topics\.yml.*job_search.*jobs"):
        parse_topic_map(bad)


def test_missing_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(TopicMapError, match="ORIENTA_TOPICS_FILE"):
        parse_topic_map(tmp_path / "nope.yml")
