from bot.core import conversation_id, topic_of


def test_low_confidence_is_reported_as_out_of_scope() -> None:
    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.45},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.45}],
    }
    assert topic_of(parse) == ("out_of_scope", 0.45)


def test_topic_is_the_intent() -> None:
    assert topic_of({"intent": {"name": "permit_renewal", "confidence": 0.93}}) == (
        "permit_renewal",
        0.93,
    )


def test_conversation_ids_are_stable_and_do_not_reveal_the_user() -> None:
    cid = conversation_id("telegram", "123456789")
    assert cid == conversation_id("telegram", "123456789")
    assert cid != conversation_id("whatsapp", "123456789")
    assert "123456789" not in cid
