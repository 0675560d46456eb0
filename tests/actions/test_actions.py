"""Actions answer in the user's language, from the catalogs and the knowledge base."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from actions.common import answer_language
from actions.conversation import ActionConversation
from actions.fallback import ActionOutOfScope
from actions.handoff import ActionHumanHandoff, when_staff_answer
from actions.language import ActionChangeLanguage
from actions.menu import ActionHelpMenu
from actions.office import ActionFindOffice
from actions.topic_answer import ActionAnswerTopic
from knowledge.db import migrate, session_scope
from knowledge.loader import load
from knowledge.store import import_knowledge
from orienta.dialogue import first_reply_limit
from orienta.i18n import get_translator, language_name
from orienta.settings import get_settings
from orienta.topics import TopicMap, load_topic_map

from .conftest import make_tracker, reported, run_action, said, use_database


def test_stored_choice_wins_over_the_detected_language() -> None:
    assert answer_language(make_tracker("hello", "greet", language="en", preferred="ar")) == "ar"
    assert answer_language(make_tracker("hello", "greet", language="en")) == "en"


def test_unsupported_language_is_answered_in_the_first_fallback() -> None:
    assert answer_language(make_tracker("привет", "greet", language="ru")) == "en"


def test_topic_answer_comes_from_the_knowledge_base(with_knowledge: str) -> None:
    messages, events = run_action(
        ActionAnswerTopic(), make_tracker("rinnovo", "permit_renewal", language="it")
    )
    t = get_translator("it")
    answer = messages[0]["text"]
    assert answer.startswith("Chiedi il rinnovo almeno 60 giorni prima")
    assert f"{t('answer.next_step')} Prendi il kit postale" in answer  # the first step only
    assert t("answer.documents") not in answer  # the rest on request
    assert f"{t('answer.sources')} cinformi.it" in answer
    assert "24 novembre 2026" in answer  # the last-verified date, in Italian
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/permit_renewal{"part": "steps"}',
        '/permit_renewal{"part": "documents"}',
        '/permit_fees{"part": "costs"}',  # what a permit costs is one topic for all
        '/find_office{"topic": "permit_renewal"}',
        "/human_handoff",
    ]
    assert len(said(messages)) == 1  # office cards come with "Where do I go?"
    assert reported(messages) == "permit_renewal"
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "last_topic",
        "value": "permit_renewal",
    } in (events)


def test_missing_translation_falls_back_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data_dir: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'mini.db'}"
    kb = load(data_dir / "knowledge", load_topic_map(), get_settings().languages)
    migrate(url)
    with session_scope(url) as session:
        import_knowledge(session, kb)
    use_database(monkeypatch, url)
    messages, _ = run_action(
        ActionAnswerTopic(), make_tracker("renouveler", "permit_renewal", language="fr")
    )
    t = get_translator("fr")
    assert messages[0]["text"] == t("language.fallback", language=language_name("en", "fr"))
    assert messages[1]["text"].startswith("Renew at least 60 days before.")
    assert t("answer.next_step") in messages[1]["text"]  # labels stay in the user's language


def test_database_down_gets_a_clear_reply_in_the_user_language(database_down: None) -> None:
    messages, _ = run_action(
        ActionAnswerTopic(), make_tracker("x", "permit_renewal", language="uk")
    )
    assert messages == [{**messages[0], "text": get_translator("uk")("error.unavailable")}]


def test_where_is_the_questura(with_knowledge: str) -> None:
    for text, language in (("Where is the Questura?", "en"), ("Dov'è la Questura?", "it")):
        messages, _ = run_action(
            ActionFindOffice(), make_tracker(text, "find_office", language=language)
        )
        card = messages[0]["text"]
        t = get_translator(language)
        assert "Questura di Trento" in card and "Viale Verona 187" in card
        assert t("office.address", address="Viale Verona 187") in card


def test_office_in_a_named_town_or_the_nearest(with_knowledge: str) -> None:
    messages, _ = run_action(
        ActionFindOffice(), make_tracker("questura a Rovereto", "find_office", language="it")
    )
    assert "Rovereto" in messages[0]["text"]
    messages, _ = run_action(
        ActionFindOffice(), make_tracker("anagrafe Mezzolombardo", "find_office", language="it")
    )
    assert messages[0]["text"] == get_translator("it")("office.nearest", place="Mezzolombardo")


def test_where_do_i_go_uses_the_last_topic(with_knowledge: str) -> None:
    tracker = make_tracker(
        "/find_office", "find_office", language="en", last_topic="permit_renewal"
    )
    messages, _ = run_action(ActionFindOffice(), tracker)
    cards = said(messages)
    assert len(cards) == 1 and cards[0]["text"].startswith("🏢")  # one card at a time


def test_help_menu_lists_every_area_in_arabic(topic_map: TopicMap) -> None:
    messages, _ = run_action(ActionHelpMenu(), make_tracker("مساعدة", "help", language="ar"))
    t = get_translator("ar")
    for area in topic_map.domain_areas:
        assert t(f"area.{area}") in messages[0]["text"]


@pytest.mark.parametrize(
    "intent", ["greet", "thanks", "goodbye", "affirm", "deny", "bot_challenge"]
)
def test_conversation_replies_with_its_own_message(intent: str, with_knowledge: str) -> None:
    messages, _ = run_action(ActionConversation(), make_tracker("merci", intent, language="fr"))
    assert messages[0]["text"] == get_translator("fr")(intent)


def test_out_of_scope_says_what_orienta_can_do_and_offers_a_person(with_knowledge: str) -> None:
    messages, _ = run_action(
        ActionOutOfScope(), make_tracker("recette pizza", "out_of_scope", language="sq")
    )
    t = get_translator("sq")
    assert messages[0]["text"].startswith(t("out_of_scope"))
    assert t("help.intro") in messages[0]["text"]
    assert messages[0]["buttons"][-1] == {"title": t("button.person"), "payload": "/human_handoff"}


@pytest.mark.usefixtures("with_knowledge")
def test_handoff_asks_the_channel_to_open_it_and_offers_the_way_back() -> None:
    messages, _ = run_action(
        ActionHumanHandoff(), make_tracker("x", "human_handoff", language="uk")
    )
    t = get_translator("uk")
    assert messages[0]["buttons"] == [{"title": t("button.end_handoff"), "payload": "/end_handoff"}]
    assert messages[1]["custom"] == {"handoff": "open"}


@pytest.mark.usefixtures("with_knowledge")
def test_handoff_outside_office_hours_says_when_a_person_answers() -> None:
    rome = ZoneInfo("Europe/Rome")
    # the handoff office (Cinformi Trento) opens Monday 09:00 in the directory
    saturday = dt.datetime(2026, 11, 28, 18, 0, tzinfo=rome)
    key, values = when_staff_answer("it", saturday)
    assert key == "handoff.opened_later"
    assert values == {"day": "lunedì 30 novembre 2026", "time": "09:00"}
    tuesday_morning = dt.datetime(2026, 12, 1, 10, 0, tzinfo=rome)
    assert when_staff_answer("it", tuesday_morning) == ("handoff.opened", {})


def test_handoff_without_known_hours_makes_no_promise(database_down: None) -> None:
    key, values = when_staff_answer("en", dt.datetime.now(dt.UTC))
    assert (key, values) == ("handoff.opened", {})
    assert "{" not in get_translator("en")(key)


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


def test_menu_offers_the_areas_then_their_topics(topic_map: TopicMap) -> None:
    messages, _ = run_action(ActionHelpMenu(), make_tracker("menu", "help", language="ro"))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    areas = [f'/help{{"area": "{a}"}}' for a in topic_map.domain_areas]
    assert payloads == [*areas, "/human_handoff"]  # every menu offers a person
    area = {"entity": "area", "value": "housing"}
    messages, _ = run_action(ActionHelpMenu(), make_tracker("/help", "help", "ro", entities=[area]))
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        *(f"/{t.id}" for t in topic_map.in_area("housing")),
        "/human_handoff",
    ]
    assert messages[0]["buttons"][0]["title"] == get_translator("ro")("topic.housing_search")


def test_what_documents_button_answers_with_the_documents(with_knowledge: str) -> None:
    messages, _ = run_action(
        ActionAnswerTopic(), make_tracker("ciao", "permit_renewal", language="it")
    )
    button = next(
        b for b in messages[0]["buttons"] if b["title"] == get_translator("it")("button.documents")
    )
    assert button["payload"] == '/permit_renewal{"part": "documents"}'
    part = {"entity": "part", "value": "documents"}
    messages, _ = run_action(
        ActionAnswerTopic(),
        make_tracker("/permit_renewal", "permit_renewal", "it", entities=[part]),
    )
    assert len(said(messages)) == 1
    assert (
        "4 foto tessera uguali" in messages[0]["text"] and "Cosa fare:" not in messages[0]["text"]
    )


def test_a_shared_location_gets_the_nearest_offices(with_knowledge: str) -> None:
    rovereto = [{"entity": "latitude", "value": 45.89}, {"entity": "longitude", "value": 11.04}]
    tracker = make_tracker("/find_office", "find_office", language="it", entities=rovereto)
    messages, _ = run_action(ActionFindOffice(), tracker)
    assert "Rovereto" in messages[0]["text"].splitlines()[0]  # the Rovereto Cinformi desk first
    distance = messages[0]["text"].splitlines()[-1]
    assert distance.startswith("A ") and distance.endswith(" km da te.")  # "A 1,2 km da te."


def test_every_first_reply_fits_one_phone_screen_with_its_sources(
    with_knowledge: str, topic_map: TopicMap
) -> None:
    """Every topic × language: at most 600 characters (300 in Chinese), sources and date."""
    failures = []
    for topic in topic_map.domain_ids:
        if topic == "find_office":  # answered by the directory, not by a text answer
            continue
        for language in get_settings().languages:
            messages, _ = run_action(
                ActionAnswerTopic(), make_tracker("?", topic, language=language)
            )
            t = get_translator(language)
            text = messages[0]["text"] if messages else ""
            fallback = t("language.fallback", language="").split("{")[0][:20]
            if not text or text.startswith(fallback) or t("answer.sources") not in text:
                failures.append(f"{topic}/{language}")
            elif not all(part in text for part in t("answer.verified", date="\0").split("\0")):
                failures.append(f"{topic}/{language}: no checked-on date")
            elif len(text) > first_reply_limit(language):
                failures.append(f"{topic}/{language}: {len(text)} characters")
    assert not failures, failures
