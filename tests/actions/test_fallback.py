"""Never a dead end: close calls are asked about, then rephrase, then the menu and a person."""

import pytest

from actions.fallback import ActionFallback, ActionOutOfScope
from orienta.i18n import get_translator

from .conftest import make_tracker, reported, run_action, said

pytestmark = pytest.mark.usefixtures("with_knowledge")
PERSON = "/human_handoff"


def test_two_close_topics_are_offered_as_buttons() -> None:
    tracker = make_tracker(
        "carta", "nlu_fallback", "it",
        ranking=[("nlu_fallback", 0.25), ("identity_card", 0.2), ("health_registration", 0.18),
                 ("greet", 0.1)],
    )  # fmt: skip
    messages, _ = run_action(ActionFallback(), tracker)
    t = get_translator("it")
    assert messages[0]["text"] == t("clarify.ask")
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/identity_card", "/health_registration", PERSON,
    ]  # fmt: skip
    assert messages[0]["buttons"][0]["title"] == t("topic.identity_card")


def test_not_understood_asks_again_once_then_offers_the_menu_and_a_person() -> None:
    tracker = make_tracker("blorp", "nlu_fallback", ranking=[("nlu_fallback", 0.25)])
    messages, events = run_action(ActionFallback(), tracker)
    t = get_translator("en")
    assert messages[0]["text"] == t("fallback")
    assert [b["payload"] for b in messages[0]["buttons"]] == [PERSON]
    again = make_tracker(
        "blorp blorp", "nlu_fallback", ranking=[("nlu_fallback", 0.25)], slots={"misses": "1"}
    )
    messages, _ = run_action(ActionFallback(), again)
    assert messages[0]["text"].startswith(t("fallback.menu"))
    assert t("help.intro") in messages[0]["text"]
    assert messages[0]["buttons"][-1]["payload"] == PERSON
    assert {"event": "slot", "timestamp": None, "name": "misses", "value": "1"} in events


def test_a_town_of_trentino_is_never_out_of_scope() -> None:
    tracker = make_tracker(
        "e a Rovereto dove vado?", "out_of_scope", "it", last_topic="permit_renewal"
    )
    messages, _ = run_action(ActionOutOfScope(), tracker)
    assert reported(messages) == "find_office"
    assert "Rovereto" in said(messages)[0]["text"]
    assert get_translator("it")("out_of_scope") not in said(messages)[0]["text"]


def test_a_document_named_is_offered_as_its_topic() -> None:
    tracker = make_tracker("patente??", "out_of_scope", "it")
    messages, _ = run_action(ActionOutOfScope(), tracker)
    assert messages[0]["text"] == get_translator("it")("clarify.ask")
    assert messages[0]["buttons"][0]["payload"] == "/driving_licence"
    assert messages[0]["buttons"][-1]["payload"] == PERSON
