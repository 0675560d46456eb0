"""The switchboard during a handoff: a person answers; Orienta still answers danger at once,
and outside office hours says when a person will read the message."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import httpx
import pytest

from orienta.i18n import get_translator

from .conftest import Stack

pytestmark = pytest.mark.slow
ROME = ZoneInfo("Europe/Rome")
#: Cinformi Trento, the handoff office, is open on weekday mornings in the directory
TUESDAY_MORNING = dt.datetime(2026, 12, 1, 10, 0, tzinfo=ROME)
SATURDAY_EVENING = dt.datetime(2026, 12, 5, 21, 0, tzinfo=ROME)
_sessions = itertools.count(1)


def at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    monkeypatch.setattr("bot.switchboard.utcnow", lambda: when.astimezone(dt.UTC))


def open_handoff(stack: Stack, language: str, text: str) -> tuple[str, int]:
    session = f"switchboard{next(_sessions)}"
    turn = httpx.post(
        f"{stack.web_url}/api/message",
        json={"session": session, "text": text, "language": language},
    ).json()
    assert turn["topic"] == "human_handoff" and turn["handoff"]
    return session, int(turn["handoff"])


def say(stack: Stack, session: str, text: str) -> dict:
    return httpx.post(
        f"{stack.web_url}/api/message", json={"session": session, "text": text}
    ).json()


def test_in_office_hours_a_paused_conversation_waits_for_the_person(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, TUESDAY_MORNING)
    session, handoff = open_handoff(stack, "en", "i want to talk to a person please")
    turn = say(stack, session, "hello? are you there")
    assert turn["replies"] == [] and turn["handoff"] == handoff


def test_outside_office_hours_every_message_is_acknowledged_with_when(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, SATURDAY_EVENING)
    session, handoff = open_handoff(stack, "it", "voglio parlare con una persona")
    turn = say(stack, session, "c'è qualcuno?")
    t = get_translator("it")
    (reply,) = turn["replies"]
    assert reply["text"] == t("handoff.paused_later", day="lunedì 7 dicembre 2026", time="09:00")
    assert [b["payload"] for b in reply["buttons"]] == ["/emergency", "/end_handoff"]
    queue = httpx.get(f"{stack.web_url}/api/staff/handoffs").json()["handoffs"]
    mine = next(h for h in queue if h["id"] == handoff)
    assert mine["transcript"][-1] == {**mine["transcript"][-1], "sender": "user",
                                      "text": "c'è qualcuno?"}  # fmt: skip
    assert not mine["urgent"]


def test_danger_during_a_paused_handoff_gets_the_emergency_numbers_and_marks_it_urgent(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, SATURDAY_EVENING)
    _, calm = open_handoff(stack, "en", "can i talk to a human")
    session, handoff = open_handoff(stack, "en", "i want to speak with a person")
    turn = say(stack, session, "please help me, my child is sick with high fever")
    t = get_translator("en")
    text = "\n".join(r["text"] for r in turn["replies"])
    assert "112" in text and "116117" in text
    assert turn["replies"][-1]["text"] == t("handoff.urgent_marked")
    assert turn["handoff"] == handoff
    queue = httpx.get(f"{stack.web_url}/api/staff/handoffs").json()["handoffs"]
    assert queue[0]["id"] == handoff and queue[0]["urgent"]  # staff see it first
    assert calm in [h["id"] for h in queue[1:]]
    staff = get_translator(stack.settings.staff_language)
    notices = [c.params["text"] for c in stack.bot_api.sent(chat_id=stack.settings.staff_chat_id)]
    assert any(staff("staff.urgent") in n and "high fever" in n for n in notices)
