"""Word lists in every language: family members, urgent situations, documents, follow-ups."""

import pytest

from knowledge.follow_ups import follow_up_topic, follow_ups
from knowledge.words import is_urgent, person_in_text, topics_for_documents
from orienta.dialogue import KIND_PARTS
from orienta.topics import TopicMap


def test_follow_up_table_uses_known_kinds_and_topic_ids(topic_map: TopicMap) -> None:
    table = follow_ups()
    assert set(table) <= set(KIND_PARTS)
    ids = {x for kind in table.values() for pair in kind.items() for x in pair}
    assert ids <= set(topic_map.domain_ids), ids - set(topic_map.domain_ids)
    assert follow_up_topic("cost", "permit_renewal") == "permit_fees"
    assert follow_up_topic("cost", "bank_account") == "bank_account"


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("and for my wife?", "spouse"),
        ("e per mio marito?", "spouse"),
        ("aur meri biwi ke liye?", "spouse"),
        ("وبالنسبة لأولادي؟", "child"),
        ("а для сина?", "child"),
        ("我儿子呢", "child"),
        ("et ma mere?", "parent"),
        ("how much?", None),
    ],
)
def test_who_the_question_is_for(text: str, person: str | None) -> None:
    assert person_in_text(text) == person


@pytest.mark.parametrize(
    "text",
    [
        "please help me, my child is sick with high fever",
        "non ho dove dormire stanotte",
        "il me frappe, j'ai peur",
        "ما عنديش فين نعس الليلة",
        "sone ki jagah nahi hai",
        "孩子病了 发高烧",
        "мене б'є чоловік",
    ],
)
def test_danger_and_urgent_need_are_recognised(text: str) -> None:
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text", ["how do i renew my permit?", "help me with the kit postale", "grazie, a domani"]
)
def test_everyday_questions_are_not_urgent(text: str) -> None:
    assert not is_urgent(text)


def test_documents_named_give_their_topics() -> None:
    found = topics_for_documents("ho perso la patente e la tessera sanitaria")
    assert set(found) == {"health_registration", "driving_licence"}
    assert topics_for_documents("what is the weather in trento") == []
