"""Topic answers: the first reply, its parts on request, and danger answered first."""

import pytest

from actions.topic_answer import ActionAnswerTopic
from orienta.i18n import get_translator

from .conftest import make_tracker, reported, run_action, said

pytestmark = pytest.mark.usefixtures("with_knowledge")


def test_danger_in_a_question_about_something_else_gets_the_emergency_numbers_first() -> None:
    tracker = make_tracker("my child is sick with high fever, which doctor?", "family_doctor")
    messages, _ = run_action(ActionAnswerTopic(), tracker)
    first, answer = said(messages)[:2]
    assert "112" in first["text"] and "116117" in first["text"]
    assert first["buttons"] == [
        {"title": get_translator("en")("button.emergency"), "payload": "/emergency"}
    ]
    assert reported(messages) == "family_doctor"  # and the question is still answered
    assert answer["buttons"]


def test_an_everyday_question_gets_no_emergency_line() -> None:
    messages, _ = run_action(
        ActionAnswerTopic(), make_tracker("how do i choose a family doctor?", "family_doctor")
    )
    assert "112" not in said(messages)[0]["text"]


def test_each_part_comes_on_request_with_the_other_buttons() -> None:
    part = [{"entity": "part", "value": "costs"}]
    messages, events = run_action(
        ActionAnswerTopic(), make_tracker("/permit_fees", "permit_fees", "it", entities=part)
    )
    t = get_translator("it")
    (text,) = said(messages)
    assert text["text"].startswith(t("answer.costs")) and t("answer.sources") in text["text"]
    payloads = [b["payload"] for b in text["buttons"]]
    assert '/permit_fees{"part": "costs"}' not in payloads  # not the part just shown
    assert payloads[-2:] == ['/find_office{"topic": "permit_fees"}', "/human_handoff"]
    assert {"event": "slot", "timestamp": None, "name": "offer", "value": None} in events
