"""Small talk only for small talk: questions inside it are answered, "ciao" first is hello."""

import pytest

from actions.conversation import ActionConversation
from orienta.i18n import get_translator

from .conftest import make_tracker, reported, run_action, said

pytestmark = pytest.mark.usefixtures("with_knowledge")


def test_ciao_at_the_start_of_a_conversation_is_a_greeting() -> None:
    tracker = make_tracker("ciao", "goodbye", "it", ranking=[("goodbye", 0.55), ("greet", 0.4)])
    messages, _ = run_action(ActionConversation(), tracker)
    assert messages[0]["text"] == get_translator("it")("greet")
    assert reported(messages) == "greet"


def test_ciao_later_in_the_conversation_is_a_goodbye() -> None:
    tracker = make_tracker(
        "ciao", "goodbye", "it", ranking=[("goodbye", 0.55), ("greet", 0.4)], turns=4
    )
    messages, _ = run_action(ActionConversation(), tracker)
    assert messages[0]["text"] == get_translator("it")("goodbye")


def test_a_question_inside_thanks_is_answered_as_the_question() -> None:
    tracker = make_tracker(
        "thanks, and how do i renew my permit",
        "thanks",
        ranking=[("thanks", 0.4), ("permit_renewal", 0.35), ("affirm", 0.1)],
    )
    messages, _ = run_action(ActionConversation(), tracker)
    assert reported(messages) == "permit_renewal"
    assert said(messages)[0]["text"].startswith("Ask for renewal")


def test_a_place_named_after_ok_is_where_to_go() -> None:
    tracker = make_tracker("ok e a Rovereto?", "affirm", "it", last_topic="permit_renewal", turns=3)
    messages, _ = run_action(ActionConversation(), tracker)
    assert reported(messages) == "find_office"
    assert "Rovereto" in said(messages)[0]["text"]


def test_yes_after_an_answer_gives_its_steps() -> None:
    tracker = make_tracker("yes", "affirm", slots={"offer": "steps:permit_renewal"}, turns=2)
    messages, _ = run_action(ActionConversation(), tracker)
    assert reported(messages) == "permit_renewal"
    assert get_translator("en")("answer.steps") in said(messages)[0]["text"]


def test_a_question_mark_alone_is_not_answered_with_ok() -> None:
    messages, _ = run_action(ActionConversation(), make_tracker("?", "affirm"))
    assert messages[0]["text"] == get_translator("en")("fallback")
    assert reported(messages) is None


def test_a_short_thanks_stays_thanks() -> None:
    tracker = make_tracker("thank you", "thanks", ranking=[("thanks", 0.6), ("bank_account", 0.3)])
    messages, _ = run_action(ActionConversation(), tracker)
    assert messages[0]["text"] == get_translator("en")("thanks")
