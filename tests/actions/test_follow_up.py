"""Follow-ups that name no topic are answered from the conversation's current topic."""

import pytest

from actions.follow_up import ActionFollowUp
from orienta.i18n import get_translator

from .conftest import make_tracker, reported, run_action, said

pytestmark = pytest.mark.usefixtures("with_knowledge")


def follow_up(text: str, intent: str, last_topic: str | None, language: str = "en") -> tuple:
    return run_action(ActionFollowUp(), make_tracker(text, intent, language, last_topic=last_topic))


def slot(events: list[dict], name: str) -> object:
    return next(e["value"] for e in events if e.get("name") == name)


def test_how_much_after_a_permit_question_is_what_a_permit_costs() -> None:
    messages, events = follow_up("e quanto costa?", "ask_cost", "permit_renewal", "it")
    assert reported(messages) == "permit_fees"
    text = said(messages)[0]["text"]
    assert text.startswith(get_translator("it")("answer.costs")) and "€" in text
    assert slot(events, "last_topic") == "permit_fees"


def test_how_much_after_another_topic_is_that_topic_s_costs() -> None:
    messages, _ = follow_up("how much?", "ask_cost", "italian_courses")
    assert reported(messages) == "italian_courses"
    assert get_translator("en")("answer.costs") in said(messages)[0]["text"]


def test_how_much_without_recorded_costs_says_who_can_tell() -> None:
    messages, _ = follow_up("how much?", "ask_cost", "bank_account")
    assert reported(messages) == "bank_account"
    assert get_translator("en")("part.no_costs") in said(messages)[0]["text"]


def test_what_to_bring_is_the_current_topic_s_documents() -> None:
    messages, _ = follow_up("what do i need to bring?", "ask_documents", "permit_renewal")
    assert reported(messages) == "permit_renewal"
    assert "4 identical passport photos" in said(messages)[0]["text"]


def test_how_long_after_a_permit_question_is_permit_status() -> None:
    messages, _ = follow_up("how long does it take?", "ask_time", "permit_renewal")
    assert reported(messages) == "permit_status"


def test_how_long_without_recorded_timing_says_who_can_tell() -> None:
    messages, _ = follow_up("how long?", "ask_time", "bank_account")
    assert reported(messages) == "bank_account"
    assert get_translator("en")("part.no_deadlines") in said(messages)[0]["text"]


def test_what_to_do_is_every_step() -> None:
    messages, _ = follow_up("and then?", "ask_steps", "permit_renewal")
    text = said(messages)[0]["text"]
    assert "1. " in text and "4. " in text  # all four steps, numbered


def test_a_lost_or_expired_permit_is_a_renewal() -> None:
    messages, _ = follow_up("what if i lost it?", "ask_lost", "permit_first_issue")
    assert reported(messages) == "permit_renewal"


def test_for_my_wife_after_a_permit_is_family_reunification() -> None:
    messages, events = follow_up("and for my wife?", "ask_for_other", "permit_renewal")
    assert reported(messages) == "family_reunification"
    assert slot(events, "person") == "spouse"


def test_for_my_children_after_a_health_card_is_the_same_topic() -> None:
    messages, events = follow_up(
        "e per i miei figli?", "ask_for_other", "health_registration", "it"
    )
    assert reported(messages) == "health_registration"
    assert slot(events, "person") == "child"


def test_a_follow_up_with_nothing_before_asks_what_it_is_about() -> None:
    messages, _ = follow_up("how much?", "ask_cost", None, "ar")
    t = get_translator("ar")
    assert messages[0]["text"] == t("followup.which_topic")
    assert messages[0]["buttons"][-1]["payload"] == "/human_handoff"
    assert reported(messages) is None
