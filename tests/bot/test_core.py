from bot.core import conversation_id, split_replies, topic_of

TOPICS = frozenset({"permit_renewal", "permit_fees", "out_of_scope", "greet"})


def test_low_confidence_is_reported_as_out_of_scope() -> None:
    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.45},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.45}],
    }
    assert topic_of(parse, [], TOPICS) == ("out_of_scope", 0.45)


def test_topic_is_the_intent() -> None:
    parse = {"intent": {"name": "permit_renewal", "confidence": 0.93}}
    assert topic_of(parse, [], TOPICS) == ("permit_renewal", 0.93)


def test_the_topic_reported_is_the_one_whose_answer_was_given() -> None:
    """'how much?' after a renewal is answered from permit_fees, and reported so."""
    parse = {"intent": {"name": "ask_cost", "confidence": 0.8}}
    _, requests = split_replies([{"custom": {"answered": "permit_fees"}}, {"text": "€ 116"}])
    assert topic_of(parse, requests, TOPICS) == ("permit_fees", 0.8)


def test_an_intent_outside_the_topic_map_is_never_reported() -> None:
    parse = {"intent": {"name": "ask_cost", "confidence": 0.8}}
    assert topic_of(parse, [], TOPICS) == ("out_of_scope", 0.8)


def test_conversation_ids_are_stable_and_do_not_reveal_the_user() -> None:
    cid = conversation_id("telegram", "123456789")
    assert cid == conversation_id("telegram", "123456789")
    assert cid != conversation_id("whatsapp", "123456789")
    assert "123456789" not in cid


def test_what_a_stranger_types_is_cleaned_before_anything_reads_it() -> None:
    from bot.core import Incoming

    message = Incoming("web", "u1", "ciao\x00 come\x1b stai \ud800?", payload="/greet\x00")
    assert message.text == "ciao come stai ?" and message.payload == "/greet"
    assert Incoming("web", "u1", "riga 1\nriga 2\tfine").text == "riga 1\nriga 2\tfine"


def test_a_payload_cannot_set_an_unknown_language_or_intent() -> None:
    from pathlib import Path

    from bot.core import OrientaCore

    core = OrientaCore(Path("unused.tar.gz"))  # no model needed to check a payload
    assert core.valid_payload('/change_language{"language": "ar"}')
    assert not core.valid_payload('/change_language{"language": "xx"}')
    assert not core.valid_payload('/greet{"language": "<script>"}')
    assert not core.valid_payload("/no_such_intent")
    assert not core.valid_payload('/find_office{"latitude": ' + "[" * 5000 + "]")
