"""Actions answer in the user's language, from the catalogs, with the right content."""

import pytest

from actions.common import answer_language
from actions.conversation import ActionConversation
from actions.fallback import ActionFallback, ActionOutOfScope
from actions.handoff import ActionHumanHandoff
from actions.language import ActionChangeLanguage
from actions.menu import ActionHelpMenu
from actions.topic_answer import ActionAnswerTopic
from orienta.i18n import get_translator
from orienta.topics import TopicMap

from .conftest import make_tracker, run_action


def test_stored_choice_wins_over_the_detected_language() -> None:
    assert answer_language(make_tracker("hello", "greet", language="en", preferred="ar")) == "ar"
    assert answer_language(make_tracker("hello", "greet", language="en")) == "en"


def test_unsupported_language_is_answered_in_the_first_fallback() -> None:
    assert answer_language(make_tracker("привет", "greet", language="ru")) == "en"


@pytest.mark.parametrize("language", ["it", "ar", "zh", "ur"])
def test_topic_answer_names_the_topic_in_the_user_language(language: str) -> None:
    messages, _ = run_action(
        ActionAnswerTopic(), make_tracker("…", "permit_renewal", language=language)
    )
    t = get_translator(language)
    assert messages[0]["text"].startswith(t("topic.asked", topic=t("topic.permit_renewal")))
    assert "Cinformi" in messages[0]["text"]


def test_help_menu_lists_every_area_in_arabic(topic_map: TopicMap) -> None:
    messages, _ = run_action(ActionHelpMenu(), make_tracker("مساعدة", "help", language="ar"))
    t = get_translator("ar")
    for area in topic_map.domain_areas:
        assert t(f"area.{area}") in messages[0]["text"]


@pytest.mark.parametrize(
    "intent", ["greet", "thanks", "goodbye", "affirm", "deny", "bot_challenge"]
)
def test_conversation_replies_with_its_own_message(intent: str) -> None:
    messages, _ = run_action(ActionConversation(), make_tracker("x", intent, language="fr"))
    assert messages[0]["text"] == get_translator("fr")(intent)


def test_out_of_scope_and_fallback_say_what_orienta_can_do() -> None:
    for action, key in ((ActionOutOfScope(), "out_of_scope"), (ActionFallback(), "fallback")):
        messages, _ = run_action(action, make_tracker("x", "out_of_scope", language="sq"))
        t = get_translator("sq")
        assert messages[0]["text"].startswith(t(key)) and t("help.intro") in messages[0]["text"]


def test_handoff_is_honest_in_the_user_language() -> None:
    messages, _ = run_action(
        ActionHumanHandoff(), make_tracker("x", "human_handoff", language="uk")
    )
    assert messages[0]["text"] == get_translator("uk")("human_handoff")


@pytest.mark.parametrize(
    ("text", "language", "target"),
    [
        ("can you speak arabic please", "en", "ar"),
        ("parla italiano per favore", "it", "it"),
        ("ممکن است به اردو بنویسید؟ اردو میں بات کریں", "ur", "ur"),
        ("请用中文回答", "zh", "zh"),
        ("in english pls", "en", "en"),
    ],
)
def test_change_language_to_a_named_language(text: str, language: str, target: str) -> None:
    messages, events = run_action(
        ActionChangeLanguage(), make_tracker(text, "change_language", language)
    )
    assert events == [
        {"event": "slot", "timestamp": None, "name": "preferred_language", "value": target}
    ]
    assert messages[0]["text"] == get_translator(target)("change_language.done")


def test_change_language_from_a_button_payload() -> None:
    entity = {"entity": "language", "value": "ro"}
    _, events = run_action(
        ActionChangeLanguage(),
        make_tracker("/change_language", "change_language", "en", entities=[entity]),
    )
    assert events[0]["value"] == "ro"


def test_change_language_without_a_name_offers_buttons() -> None:
    messages, events = run_action(
        ActionChangeLanguage(), make_tracker("other language", "change_language")
    )
    assert events == []
    assert messages[0]["text"] == get_translator("en")("change_language.ask")
    assert len(messages[0]["buttons"]) == 10
