"""Handoff to a person: the staff queue in the database, and full round trips over Telegram
(staff answer in their Telegram group) and the web chat (staff answer on the staff page)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update as sql_update

from bot.handoff import HandoffDesk
from bot.preferences import PreferenceStore, utcnow
from bot.switchboard import Switchboard
from bot.web.app import create_app
from knowledge.db import DatabaseUnavailableError, migrate, session_scope
from knowledge.models import Handoff
from orienta.i18n import get_translator
from orienta.settings import Settings

from .conftest import STAFF_CHAT_ID, Stack, wait_until
from .test_telegram import keyboard_payloads, replies, texts, update

_users = itertools.count(950_000_001)


def in_office_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Tuesday morning, when Cinformi Trento (the handoff office) is open."""
    tuesday = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("bot.switchboard.utcnow", lambda: tuesday)


@pytest.fixture
def state_url(database_url: str) -> str:
    """A migrated database: SQLite, and PostgreSQL in a throw-away schema."""
    migrate(database_url)
    return database_url


def test_the_queue_keeps_one_open_handoff_per_conversation(state_url: str) -> None:
    desk = HandoffDesk(timeout_minutes=60, url=state_url)
    transcript = [("user", "Come rinnovo il permesso?"), ("bot", "Ecco i passi…")]
    first, new = desk.open("c1", "telegram", "12345", "it", None, transcript)
    again, new_again = desk.open("c1", "telegram", "12345", "it", None, [])
    assert new and not new_again and again.id == first.id
    assert [line.sender for line in first.transcript] == ["user", "bot"]
    assert desk.add(first.id, "user", "ci sei?") is not None
    assert [h.id for h in desk.queue()] == [first.id]
    closed = desk.close(first.id, "staff")
    assert closed is not None and closed.address == "12345"  # returned as it was, to notify
    after = desk.get(first.id)
    assert after is not None and after.status == "closed" and after.address is None
    assert desk.add(first.id, "staff", "late") is None and desk.queue() == []


def test_an_idle_handoff_times_out_and_the_assistant_resumes(state_url: str) -> None:
    desk = HandoffDesk(timeout_minutes=30, url=state_url)
    handoff, _ = desk.open("c2", "web", "session-1", "ar", None, [])
    with session_scope(state_url) as session:
        session.execute(
            sql_update(Handoff)
            .where(Handoff.id == handoff.id)
            .values(last_activity_at=utcnow() - dt.timedelta(minutes=31))
        )
    assert desk.active("c2") is None
    closed = desk.get(handoff.id)
    assert closed is not None and closed.closed_by == "timeout" and closed.address is None


def test_forget_and_retention_delete_transcripts(state_url: str) -> None:
    desk = HandoffDesk(timeout_minutes=30, url=state_url)
    mine, _ = desk.open("c3", "web", "s", "it", None, [("user", "il mio nome è …")])
    other, _ = desk.open("c4", "web", "t", "it", None, [("user", "ciao")])
    assert desk.forget("c3") == 1
    assert desk.get(mine.id) is None and desk.get(other.id) is not None
    desk.close(other.id, "staff")
    assert desk.purge(retention_days=30) == 0  # closed just now: kept
    with session_scope(state_url) as session:
        session.execute(sql_update(Handoff).values(closed_at=utcnow() - dt.timedelta(days=31)))
    assert desk.purge(retention_days=30) == 1 and desk.get(other.id) is None


def test_updating_the_knowledge_base_keeps_open_handoffs(state_url: str) -> None:
    from knowledge.loader import KNOWLEDGE_DIR, load
    from knowledge.store import import_knowledge
    from orienta.settings import get_settings
    from orienta.topics import load_topic_map

    desk = HandoffDesk(timeout_minutes=30, url=state_url)
    handoff, _ = desk.open("c6", "telegram", "42", "it", None, [("user", "aiuto")])
    PreferenceStore(state_url).set_language("c6", "it")
    kb = load(KNOWLEDGE_DIR, load_topic_map(), get_settings().languages)
    with session_scope(state_url) as session:
        import_knowledge(session, kb)
    assert [h.id for h in desk.queue()] == [handoff.id]
    assert PreferenceStore(state_url).language("c6") == "it"


def test_language_choices_are_stored_and_forgotten(state_url: str) -> None:
    store = PreferenceStore(state_url)
    store.set_language("c5", "ur")
    store.set_language("c5", "ar")
    assert store.language("c5") == "ar"
    assert store.forget("c5") == 1 and store.language("c5") is None


def test_a_database_that_is_down_raises_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'no.db'}"
    with pytest.raises(DatabaseUnavailableError):
        HandoffDesk(30, url).queue()
    with pytest.raises(DatabaseUnavailableError):
        PreferenceStore(url).language("x")


def staff_client(state_url: str, **settings: Any) -> TestClient:
    config = Settings(database_url=state_url, **settings)  # type: ignore[call-arg]
    switchboard = Switchboard(core=None, settings=config)  # type: ignore[arg-type]
    return TestClient(create_app(switchboard, config))


def test_the_staff_api_needs_the_token_when_one_is_set(state_url: str) -> None:
    client = staff_client(state_url, staff_token="s3cret")
    assert client.get("/api/staff/handoffs").status_code == 401
    wrong = client.get("/api/staff/handoffs", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    ok = client.get("/api/staff/handoffs", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and ok.json() == {"handoffs": []}


def test_without_a_token_the_staff_api_refuses_other_computers(state_url: str) -> None:
    client = staff_client(state_url)  # TestClient's requests come from a non-loopback host
    assert client.get("/api/staff/handoffs").status_code == 403


@pytest.mark.slow
def test_round_trip_over_telegram(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    in_office_hours(monkeypatch)  # outside them, each message is acknowledged
    user = next(_users)
    t = get_translator("fr")
    staff_t = get_translator(stack.settings.staff_language)
    stack.bot_api.push(update("message_text", user, language="fr",
                              text="Comment renouveler mon titre de séjour ?"))  # fmt: skip
    replies(stack, user, 1)
    before = len(stack.bot_api.sent(chat_id=user))
    stack.bot_api.push(update("command_human", user, language="fr"))
    opened = replies(stack, user, 1, before)[0]
    assert opened.params["text"].startswith(t("handoff.opened").split(".")[0])
    assert keyboard_payloads(opened) == ["/end_handoff"]

    # the staff group hears about it, with the transcript
    notice = wait_until(
        lambda: [c for c in stack.bot_api.sent(chat_id=STAFF_CHAT_ID)
                 if "titre de séjour" in c.params["text"]],
        what="the staff notice",
    )[0]  # fmt: skip
    handoff_id = int(re.search(r"#(\d+)", notice.params["text"]).group(1))  # type: ignore[union-attr]
    assert staff_t("staff.reply_hint") in notice.params["text"]

    # while a person has the conversation, Orienta does not answer automatically
    answered = len(stack.bot_api.sent(chat_id=user))
    stack.bot_api.push(update("message_text", user, language="fr", text="Vous êtes là ?"))
    wait_until(
        lambda: any(f"#{handoff_id}" in c.params["text"] and "Vous êtes là" in c.params["text"]
                    for c in stack.bot_api.sent(chat_id=STAFF_CHAT_ID)),
        what="the user's message in the staff group",
    )  # fmt: skip
    assert len(stack.bot_api.sent(chat_id=user)) == answered

    # staff reply to the notice in their group: the user gets it on Telegram
    reply = update("staff_reply")
    reply["message"]["reply_to_message"]["message_id"] = 100
    reply["message"]["reply_to_message"]["text"] = notice.params["text"]
    stack.bot_api.push(reply)
    staff_message = replies(stack, user, 1, answered)[0]
    assert staff_message.params["text"] == t(
        "handoff.staff_message", text="Buongiorno, sono Giulia del Cinformi."
    )
    wait_until(lambda: any(c.params["text"] == staff_t("staff.sent", id=handoff_id)
                           for c in stack.bot_api.sent(chat_id=STAFF_CHAT_ID)),
               what="the staff confirmation")  # fmt: skip

    # the staff page sees the same conversation, and closes it
    queue = httpx.get(f"{stack.web_url}/api/staff/handoffs").json()["handoffs"]
    mine = next(h for h in queue if h["id"] == handoff_id)
    assert [line["sender"] for line in mine["transcript"]][-2:] == ["user", "staff"]
    closed = httpx.post(f"{stack.web_url}/api/staff/handoffs/{handoff_id}/close", json={})
    assert closed.status_code == 200
    wait_until(lambda: t("handoff.closed") in texts(stack, user), what="the closing notice")

    # and Orienta answers again
    count = len(stack.bot_api.sent(chat_id=user))
    stack.bot_api.push(update("message_text", user, language="fr", text="Merci beaucoup !"))
    assert replies(stack, user, 1, count)[0].params["text"] == t("thanks")


@pytest.mark.slow
def test_round_trip_over_the_web_chat(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    in_office_hours(monkeypatch)
    session = f"websession{next(_users)}"
    api = f"{stack.web_url}/api"
    question = {"session": session, "text": "أريد التحدث مع شخص من فضلك", "language": "ar"}
    turn = httpx.post(f"{api}/message", json=question).json()
    assert turn["topic"] == "human_handoff" and turn["handoff"]
    assert turn["direction"] == "rtl"
    handoff_id = turn["handoff"]
    paused = httpx.post(f"{api}/message", json={"session": session, "text": "مرحبا؟"}).json()
    assert paused["replies"] == [] and paused["handoff"] == handoff_id

    sent = httpx.post(f"{api}/staff/handoffs/{handoff_id}/reply", json={"text": "Salve!"})
    assert sent.status_code == 200
    updates = httpx.get(f"{api}/updates", params={"session": session}).json()
    t = get_translator("ar")
    expected = t("handoff.staff_message", text="\u2068Salve!\u2069")  # isolated in Arabic
    assert [m["text"] for m in updates["messages"]] == [expected]
    assert updates["messages"][0]["direction"] == "rtl"

    # the user takes the conversation back with the button
    back = httpx.post(f"{api}/message", json={"session": session, "payload": "/end_handoff"})
    assert back.json()["replies"][0]["text"] == t("handoff.ended")
    late = httpx.post(f"{api}/staff/handoffs/{handoff_id}/reply", json={"text": "Ancora lì?"})
    assert late.status_code == 409


@pytest.mark.slow
def test_round_trip_over_whatsapp(stack: Stack) -> None:
    from .test_whatsapp import payload, post, sent_to

    sender = f"39340{next(_users)}"
    t = get_translator("it")
    post(
        stack, payload("text", sender, text={"body": "Vorrei parlare con un operatore, per favore"})
    )
    opened = sent_to(stack, sender, 1)[0]
    assert opened["type"] == "interactive" and opened["interactive"]["type"] == "button"
    (button,) = opened["interactive"]["action"]["buttons"]
    assert button["reply"] == {"id": "/end_handoff", "title": t("button.end_handoff")}

    queue = httpx.get(f"{stack.web_url}/api/staff/handoffs").json()["handoffs"]
    handoff = next(h for h in queue if h["channel"] == "whatsapp"
                   and "operatore" in h["transcript"][0]["text"])  # fmt: skip
    sent = httpx.post(f"{stack.web_url}/api/staff/handoffs/{handoff['id']}/reply",
                      json={"text": "Eccomi, mi dica."})  # fmt: skip
    assert sent.status_code == 200
    staff = sent_to(stack, sender, 2)[1]
    assert staff["interactive"]["body"]["text"] == t(
        "handoff.staff_message", text="Eccomi, mi dica."
    )

    # the user presses "Back to Orienta": the handoff closes and the assistant answers again
    back = payload("interactive_button", sender)
    back["entry"][0]["changes"][0]["value"]["messages"][0]["interactive"]["button_reply"] = button[
        "reply"
    ]
    post(stack, back)
    assert sent_to(stack, sender, 3)[2]["text"]["body"] == t("handoff.ended")
    still_open = httpx.get(f"{stack.web_url}/api/staff/handoffs").json()["handoffs"]
    assert handoff["id"] not in [h["id"] for h in still_open]


@pytest.mark.slow
def test_a_reply_that_cannot_be_delivered_is_reported_to_staff(stack: Stack) -> None:
    from .test_whatsapp import payload, post, sent_to

    sender = f"39341{next(_users)}"
    post(
        stack, payload("text", sender, text={"body": "Vorrei parlare con un operatore, per favore"})
    )
    sent_to(stack, sender, 1)
    from bot.core import conversation_id

    found = stack.switchboard.active_handoff(conversation_id("whatsapp", sender))
    assert found is not None
    handoff = {"id": found.id}
    stack.graph_api.window_closed.add(sender)
    try:
        late = httpx.post(f"{stack.web_url}/api/staff/handoffs/{handoff['id']}/reply",
                          json={"text": "Mi scusi il ritardo."})  # fmt: skip
    finally:
        stack.graph_api.window_closed.discard(sender)
    assert late.status_code == 409
    after = httpx.get(f"{stack.web_url}/api/staff/handoffs").json()["handoffs"]
    mine = next(h for h in after if h["id"] == handoff["id"])
    assert mine["transcript"][-1]["sender"] != "staff"  # not recorded as said


def test_urgent_handoffs_come_first_in_the_queue(state_url: str) -> None:
    desk = HandoffDesk(timeout_minutes=60, url=state_url)
    older, _ = desk.open("u1", "web", "s1", "it", None, [])
    newer, _ = desk.open("u2", "web", "s2", "ar", None, [])
    assert [h.id for h in desk.queue()] == [older.id, newer.id]
    marked = desk.mark_urgent(newer.id)
    assert marked is not None and marked.urgent
    assert [(h.id, h.urgent) for h in desk.queue()] == [(newer.id, True), (older.id, False)]
    desk.close(older.id, "staff")
    assert desk.mark_urgent(older.id) is None  # closed: nothing to mark
