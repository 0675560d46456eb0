"""The Rasa domain and rules are derived from the topic map and must stay in sync with it."""

import yaml

from orienta import rasa_project
from orienta.dialogue import FOLLOW_UP_INTENTS
from orienta.paths import DOMAIN_FILE
from orienta.topics import TopicMap, load_topic_map


def test_every_topic_is_an_intent_and_the_only_others_are_follow_ups(
    topic_map: TopicMap,
) -> None:
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    assert domain["intents"] == [*topic_map.ids, *FOLLOW_UP_INTENTS]


def test_committed_domain_and_rules_match_the_topic_map(topic_map: TopicMap) -> None:
    assert DOMAIN_FILE.read_text(encoding="utf-8") == rasa_project.render(
        rasa_project.domain(topic_map)
    )
    assert rasa_project.RULES_FILE.read_text(encoding="utf-8") == rasa_project.render(
        rasa_project.rules(topic_map)
    ), "run `orienta train` to regenerate data/rules.yml"


def test_every_topic_has_a_rule_to_an_action(topic_map: TopicMap) -> None:
    rules = rasa_project.rules(topic_map)["rules"]
    routed = {r["steps"][0]["intent"]: r["steps"][1]["action"] for r in rules}
    assert set(topic_map.ids) <= set(routed)
    assert routed["permit_renewal"] == "action_answer_topic"
    assert routed["out_of_scope"] == "action_out_of_scope"
    assert routed["nlu_fallback"] == "action_fallback"
    assert all(routed[i] == "action_follow_up" for i in FOLLOW_UP_INTENTS)


def test_conversation_state_is_kept_in_slots_set_by_actions() -> None:
    slots = rasa_project.domain(load_topic_map())["slots"]
    for name in ("last_topic", "comune", "person", "offer", "misses"):
        assert slots[name]["mappings"] == [{"type": "custom"}]
        assert slots[name]["influence_conversation"] is False
