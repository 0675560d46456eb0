"""WhatsApp Cloud API webhook, end to end: signed deliveries with real payload shapes go to
the running web server; answers go out through a local fake Graph API."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.whatsapp import render
from orienta.i18n import get_translator
from orienta.settings import Settings

from .conftest import WHATSAPP, Stack, wait_until

PAYLOADS = Path(__file__).parents[1] / "data" / "whatsapp"
RECORDED_SENDER = "393471234567"
_senders = itertools.count(393_400_000_001)
_ids = itertools.count(1)


def payload(name: str, sender: str | None = None, **message: Any) -> dict[str, Any]:
    """A recorded delivery, from another sender and with a fresh message id."""
    text = (PAYLOADS / f"{name}.json").read_text(encoding="utf-8")
    if sender:
        text = text.replace(RECORDED_SENDER, sender)
    data = json.loads(text)
    for change in data["entry"][0]["changes"]:
        for m in change["value"].get("messages", []):
            m["id"] = f"wamid.test{next(_ids)}"
            m.update(message)
    return data


def post(stack: Stack, data: dict[str, Any], secret: str = WHATSAPP["whatsapp_app_secret"]):
    body = json.dumps(data).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return httpx.post(
        f"{stack.web_url}/whatsapp/webhook",
        content=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
    )


def sent_to(stack: Stack, sender: str, count: int) -> list[dict[str, Any]]:
    return wait_until(
        lambda: len(stack.graph_api.to(sender)) >= count and stack.graph_api.to(sender),
        what=f"{count} messages to {sender}",
    )


def bodies(messages: list[dict[str, Any]]) -> list[str]:
    out = []
    for m in messages:
        if m["type"] == "text":
            out.append(m["text"]["body"])
        else:
            out.append(m["interactive"]["body"]["text"])
    return out


@pytest.mark.slow
class TestWebhook:
    def test_verification_handshake(self, stack: Stack) -> None:
        url = f"{stack.web_url}/whatsapp/webhook"
        ok = httpx.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "verify-me",
                                    "hub.challenge": "1158201444"})  # fmt: skip
        assert ok.status_code == 200 and ok.text == "1158201444"
        wrong = httpx.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "guess",
                                       "hub.challenge": "1158201444"})  # fmt: skip
        assert wrong.status_code == 403

    def test_invalid_signatures_are_refused_and_nothing_is_sent(self, stack: Stack) -> None:
        sender = str(next(_senders))
        data = payload("text", sender)
        assert post(stack, data, secret="not-the-app-secret").status_code == 403
        body = json.dumps(data).encode()
        unsigned = httpx.post(f"{stack.web_url}/whatsapp/webhook", content=body)
        assert unsigned.status_code == 403
        time.sleep(1)
        assert stack.graph_api.to(sender) == []

    def test_a_text_is_answered_through_the_graph_api(self, stack: Stack) -> None:
        sender = str(next(_senders))
        assert post(stack, payload("text", sender)).status_code == 200
        messages = sent_to(stack, sender, 1)
        first = messages[0]
        assert first["messaging_product"] == "whatsapp"
        assert first["_path"] == "/v21.0/1098765432/messages"
        assert stack.graph_api.authorizations[-1] == "Bearer graph-token"
        assert "60 giorni" in bodies(messages)[0]
        # the follow-ups do not fit three reply buttons: a list message carries them
        interactive = next(m for m in messages if m["type"] == "interactive")
        assert interactive["interactive"]["type"] == "list"
        rows = interactive["interactive"]["action"]["sections"][0]["rows"]
        assert '/find_office{"topic": "permit_renewal"}' in [r["id"] for r in rows]
        assert all(len(r["title"]) <= 24 for r in rows)

    def test_interactive_replies_are_answered(self, stack: Stack) -> None:
        sender = str(next(_senders))
        post(stack, payload("interactive_list", sender))
        menu = sent_to(stack, sender, 1)
        t = get_translator("it")
        assert bodies(menu)[0] == t("area.health_social")  # the area's topics, as a list
        rows = menu[0]["interactive"]["action"]["sections"][0]["rows"]
        assert "/health_registration" in [r["id"] for r in rows]
        before = len(stack.graph_api.to(sender))
        post(stack, payload("text", sender, text={"body": "Come faccio la tessera sanitaria?"}))
        wait_until(lambda: len(stack.graph_api.to(sender)) > before, what="an answer")
        count = len(stack.graph_api.to(sender))
        post(stack, payload("interactive_button", sender))
        cards = wait_until(lambda: stack.graph_api.to(sender)[count:], what="office cards")
        assert (
            bodies(cards)[0].lstrip("\u200f").startswith((t("answer.where"), "🏢"))
        )  # where to go

    def test_statuses_are_ignored(self, stack: Stack) -> None:
        before = len(stack.graph_api.sent)
        assert post(stack, payload("status")).status_code == 200
        time.sleep(1)
        assert len(stack.graph_api.sent) == before

    @pytest.mark.parametrize("kind", ["image", "audio", "sticker", "unsupported"])
    def test_media_get_the_polite_text_reply(self, stack: Stack, kind: str) -> None:
        sender = str(next(_senders))
        post(stack, payload(kind, sender))
        reply = sent_to(stack, sender, 1)[0]
        assert reply["type"] == "text"
        assert reply["text"]["body"] == get_translator("it")("error.media")

    def test_a_contact_card_is_not_kept(self, stack: Stack) -> None:
        sender = str(next(_senders))
        post(stack, payload("contacts", sender))
        assert sent_to(stack, sender, 1)[0]["text"]["body"] == get_translator("it")(
            "contact.received"
        )

    def test_a_location_gets_the_nearest_offices(self, stack: Stack) -> None:
        sender = str(next(_senders))
        post(stack, payload("location", sender))
        first = bodies(sent_to(stack, sender, 1))[0]
        assert first.startswith("🏢") and "Rovereto" in first

    def test_an_impossible_location_gets_a_polite_reply(self, stack: Stack) -> None:
        sender = str(next(_senders))
        data = payload("location", sender)
        message = data["entry"][0]["changes"][0]["value"]["messages"][0]
        message["location"].update(latitude=999, longitude=-999)
        assert post(stack, data).status_code == 200
        reply = bodies(sent_to(stack, sender, 1))[0]
        assert reply == get_translator("it")("web.location_unavailable")

    def test_a_duplicate_delivery_is_answered_once(self, stack: Stack) -> None:
        sender = str(next(_senders))
        data = payload("text", sender, text={"body": "Grazie mille!"})
        assert post(stack, data).status_code == 200
        assert post(stack, data).status_code == 200
        later = payload("text", sender, text={"body": "Arrivederci, a presto"})
        later["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = "wamid.later-" + sender
        assert post(stack, later).status_code == 200
        t = get_translator("it")
        wait_until(lambda: t("goodbye") in bodies(stack.graph_api.to(sender)), what="the later one")
        assert bodies(stack.graph_api.to(sender)).count(t("thanks")) == 1  # once, in order

    def test_forget_deletes_the_stored_choice(self, stack: Stack) -> None:
        from bot.core import conversation_id
        from bot.preferences import PreferenceStore

        sender = str(next(_senders))
        store = PreferenceStore(stack.settings.database_url)
        store.set_language(conversation_id("whatsapp", sender), "ur")
        post(stack, payload("text", sender, text={"body": "/forget"}))
        reply = sent_to(stack, sender, 1)[0]
        assert reply["text"]["body"] == get_translator("ur")("forget.done")
        assert store.language(conversation_id("whatsapp", sender)) is None

    def test_reactions_get_no_reply(self, stack: Stack) -> None:
        sender = str(next(_senders))
        post(stack, payload("reaction", sender))
        post(stack, payload("text", sender, text={"body": "Grazie mille!"}))
        reply = sent_to(stack, sender, 1)
        time.sleep(1)
        assert bodies(stack.graph_api.to(sender)) == [get_translator("it")("thanks")]
        assert len(reply) == 1


def test_up_to_three_short_buttons_become_reply_buttons() -> None:
    settings = Settings()  # type: ignore[call-arg]
    reply = {"text": "Scegli", "buttons": [{"title": "Sì", "payload": "/affirm"},
                                           {"title": "No", "payload": "/deny"}]}  # fmt: skip
    (message,) = render(reply, "it", settings)
    assert message["interactive"]["type"] == "button"
    assert [b["reply"]["id"] for b in message["interactive"]["action"]["buttons"]] == [
        "/affirm",
        "/deny",
    ]


def test_long_texts_are_split_under_the_limits() -> None:
    settings = Settings()  # type: ignore[call-arg]
    text = "\n\n".join("Paragrafo " + "x" * 900 for _ in range(10))
    plain = render({"text": text}, "it", settings)
    assert len(plain) > 2 and all(len(m["text"]["body"]) <= 4096 for m in plain)
    with_buttons = render(
        {"text": text, "buttons": [{"title": "Sì", "payload": "/affirm"}]}, "it", settings
    )
    assert with_buttons[-1]["interactive"]["body"]["text"]
    assert len(with_buttons[-1]["interactive"]["body"]["text"]) <= 1024
    joined = "".join(m["text"]["body"] for m in with_buttons[:-1])
    assert (
        joined.count("Paragrafo")
        + with_buttons[-1]["interactive"]["body"]["text"].count("Paragrafo")
        == 10
    )


def test_more_than_ten_choices_make_several_lists() -> None:
    settings = Settings()  # type: ignore[call-arg]
    buttons = [
        {"title": f"Argomento numero {n} molto lungo", "payload": f"/x{n}"} for n in range(12)
    ]
    messages = render({"text": "Scegli", "buttons": buttons}, "it", settings)
    rows = [r for m in messages for r in m["interactive"]["action"]["sections"][0]["rows"]]
    assert len(messages) == 2 and len(rows) == 12
    assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows)
    assert len(messages[0]["interactive"]["action"]["button"]) <= 20
