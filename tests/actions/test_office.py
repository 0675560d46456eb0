"""Where do I go: one card at a time, the person's town remembered, the area's desk."""

import pytest

from actions.office import ActionFindOffice
from orienta.i18n import get_translator

from .conftest import make_tracker, reported, run_action, said

pytestmark = pytest.mark.usefixtures("with_knowledge")


def test_one_card_with_more_offices_and_a_person() -> None:
    tracker = make_tracker("where do i go?", "find_office", last_topic="permit_renewal")
    messages, _ = run_action(ActionFindOffice(), tracker)
    cards = said(messages)
    assert len(cards) == 1 and reported(messages) == "find_office"
    t = get_translator("en")
    more, person = cards[0]["buttons"]
    assert more == {
        "title": t("button.more_offices"),
        "payload": '/find_office{"topic": "permit_renewal", "more": true}',
    }
    assert person["payload"] == "/human_handoff"
    entities = [{"entity": "topic", "value": "permit_renewal"}, {"entity": "more", "value": True}]
    messages, _ = run_action(
        ActionFindOffice(), make_tracker("/find_office", "find_office", entities=entities)
    )
    assert len(said(messages)) > 1


def test_the_town_named_is_remembered_for_the_next_question() -> None:
    tracker = make_tracker("and in Rovereto?", "find_office", last_topic="permit_renewal")
    _, events = run_action(ActionFindOffice(), tracker)
    assert {"event": "slot", "timestamp": None, "name": "comune", "value": "Rovereto"} in events
    later = make_tracker("where is the post office?", "find_office", slots={"comune": "Rovereto"})
    messages, _ = run_action(ActionFindOffice(), later)
    assert "Rovereto" in said(messages)[0]["text"]


def test_nothing_for_the_topic_in_the_town_gives_its_area_s_cinformi_desk() -> None:
    tracker = make_tracker("e a Rovereto?", "find_office", "it", last_topic="permit_fees")
    messages, _ = run_action(ActionFindOffice(), tracker)
    first = said(messages)[0]["text"]
    assert "Rovereto" in first.splitlines()[0] and "Cinformi" in first


def test_a_location_out_of_range_is_not_a_place() -> None:
    bad = [{"entity": "latitude", "value": 999}, {"entity": "longitude", "value": -999}]
    messages, _ = run_action(
        ActionFindOffice(), make_tracker("/find_office", "find_office", entities=bad)
    )
    assert said(messages)[0]["text"].startswith("🏢")  # the main offices instead
