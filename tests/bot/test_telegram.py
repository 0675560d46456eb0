"""Telegram, end to end: real update payloads through the real python-telegram-bot client,
a local fake Bot API server, the real model and actions. We check the calls the bot makes."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.preferences import PreferenceStore
from bot.telegram import CallbackCodec, message_parts
from orienta.i18n import get_translator
from orienta.settings import get_settings

from .conftest import Stack, wait_until
from .fakes import Call

pytestmark = pytest.mark.slow

PAYLOADS = Path(__file__).parents[1] / "data" / "telegram"
PRIVATE_USER = 111111111
_users = itertools.count(900_000_001)


def update(name: str, user: int | None = None, language: str | None = None, **message: Any) -> dict:
    """A recorded update payload, for another user (each test talks as its own user)."""
    data = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            if user is not None and out.get("id") == PRIVATE_USER:
                out["id"] = user
            if user is not None and out.get("user_id") == PRIVATE_USER:
                out["user_id"] = user
            if language and "language_code" in out and out.get("is_bot") is False:
                out["language_code"] = language
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    data = walk(copy.deepcopy(data))
    if message:
        key = next(k for k in ("message", "edited_message") if k in data)
        data[key].update(message)
    return data


def texts(stack: Stack, chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in stack.bot_api.sent(chat_id=chat_id)]


def replies(stack: Stack, chat_id: int, count: int, before: int = 0) -> list[Call]:
    """Wait for ``count`` new sendMessage calls to the chat (after ``before`` earlier ones)."""
    return wait_until(
        lambda: (calls := stack.bot_api.sent(chat_id=chat_id)[before:]) and len(calls) >= count
        and calls,
        what=f"{count} messages to {chat_id}",
    )  # fmt: skip


def keyboard_payloads(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def test_start_greets_in_the_users_language_and_offers_languages(stack: Stack) -> None:
    user = next(_users)
    stack.bot_api.push(update("command_start", user, language="fr"))
    greet, choose = replies(stack, user, 2)[:2]
    t = get_translator("fr")
    assert greet.params["text"] == t("greet")
    assert choose.params["text"] == t("start.choose_language")
    assert keyboard_payloads(choose) == [
        f'/change_language{{"language": "{code}"}}' for code in get_settings().languages
    ]
    assert greet.params["parse_mode"] == "HTML"
    typing = stack.bot_api.sent("sendChatAction", chat_id=user)
    assert typing and typing[0].params["action"] == "typing"


def test_a_question_is_answered_in_its_language_with_follow_up_buttons(stack: Stack) -> None:
    user = next(_users)
    stack.bot_api.push(update("message_text", user, language="en"))  # Arabic text, English app
    answer = replies(stack, user, 1)[0]
    assert "Questura" in answer.params["text"] or "تصريح" in answer.params["text"]
    t = get_translator("ar")
    assert answer.params["text"].startswith("\u200f")  # right-to-left Arabic answer
    payloads = keyboard_payloads(answer)
    assert any(p.startswith("/find_office") for p in payloads) and "/human_handoff" in payloads
    titles = [b["text"] for row in answer.params["reply_markup"]["inline_keyboard"] for b in row]
    assert t("button.where") in titles


def test_a_button_press_is_acknowledged_and_answered(stack: Stack) -> None:
    user = next(_users)
    stack.bot_api.push(update("callback_query", user, language="es"))
    menu = replies(stack, user, 1)[0]
    answered = stack.bot_api.sent("answerCallbackQuery")
    assert any(c.params["callback_query_id"] == "4382bfdwdsb323b2d9" for c in answered)
    assert get_translator("es")("help.intro") in menu.params["text"]
    assert any(p.startswith("/help{") for p in keyboard_payloads(menu))  # area buttons


def test_an_edited_message_is_answered_as_a_new_question(stack: Stack) -> None:
    user = next(_users)
    stack.bot_api.push(update("edited_message", user, language="en"))
    answer = replies(stack, user, 1)[0]
    assert "codice fiscale" in answer.params["text"]


def test_a_location_gets_the_nearest_offices(stack: Stack) -> None:
    user = next(_users)
    stack.bot_api.push(update("location", user, language="it"))
    first = replies(stack, user, 1)[0]
    assert first.params["text"].startswith("🏢") and "Trento" in first.params["text"]
    distance = get_translator("it")("office.distance", km="X").split("X")[0]
    assert distance in first.params["text"]


@pytest.mark.parametrize("kind", ["photo", "sticker", "voice", "video", "document"])
def test_media_get_a_polite_reply_in_the_users_language(stack: Stack, kind: str) -> None:
    user = next(_users)
    stack.bot_api.push(update(kind, user, language="uk"))
    reply = replies(stack, user, 1)[0]
    assert reply.params["text"] == get_translator("uk")("error.media")


def test_a_contact_is_not_kept(stack: Stack) -> None:
    user = next(_users)
    stack.bot_api.push(update("contact", user, language="ro"))
    reply = replies(stack, user, 1)[0]
    assert reply.params["text"] == get_translator("ro")("contact.received")


def test_in_groups_only_mentions_and_replies_are_answered(stack: Stack) -> None:
    group = -1005550001
    stack.bot_api.push(update("group_plain"))
    stack.bot_api.push(update("group_mention"))
    stack.bot_api.push(update("group_reply"))
    calls = replies(stack, group, 2)
    # updates are handled in order: had the plain message been answered, it would come first
    assert "codice fiscale" in calls[0].params["text"]
    assert "@orienta_test_bot" not in calls[0].params["text"]
    assert calls[1].params["text"].startswith("🏢")  # the reply "e dove devo andare?": an office


def test_a_burst_of_messages_is_answered_in_order(stack: Stack) -> None:
    user = next(_users)
    questions = ["Buongiorno", "Come faccio il codice fiscale?", "Grazie mille"]
    for number, text in enumerate(questions):
        stack.bot_api.push(update("message_text", user, language="it", text=text,
                                  message_id=200 + number))  # fmt: skip
    t = get_translator("it")
    wait_until(lambda: t("thanks") in texts(stack, user), what="the last answer")
    sent = texts(stack, user)
    assert sent[0] == t("greet")
    fiscal = next(i for i, text in enumerate(sent) if "codice fiscale" in text)
    assert 0 < fiscal < sent.index(t("thanks")) == len(sent) - 1


def test_the_language_choice_is_stored_and_wins(stack: Stack) -> None:
    user = next(_users)
    stack.bot_api.push(update("command_language", user, language="en"))
    choice = replies(stack, user, 1)[0]
    assert '/change_language{"language": "zh"}' in keyboard_payloads(choice)
    before = len(stack.bot_api.sent(chat_id=user))
    callback = update("callback_query", user, language="en")
    callback["callback_query"]["data"] = '/change_language{"language": "zh"}'
    stack.bot_api.push(callback)
    done = replies(stack, user, 1, before)[0]
    assert done.params["text"] == get_translator("zh")("change_language.done")
    before += 1
    stack.bot_api.push(update("message_text", user, language="en", text="Thank you very much!"))
    thanks = replies(stack, user, 1, before)[0]
    assert thanks.params["text"] == get_translator("zh")("thanks")  # the choice beats English
    store = PreferenceStore(stack.settings.database_url)
    from bot.core import conversation_id

    assert store.language(conversation_id("telegram", str(user))) == "zh"


def test_forget_deletes_what_is_stored_and_confirms(stack: Stack) -> None:
    from bot.core import conversation_id

    user = next(_users)
    store = PreferenceStore(stack.settings.database_url)
    key = conversation_id("telegram", str(user))
    store.set_language(key, "ar")
    stack.bot_api.push(update("command_forget", user, language="en"))
    reply = replies(stack, user, 1)[0]
    assert reply.params["text"] == get_translator("ar")("forget.done")  # in the chosen language
    assert store.language(key) is None


def test_webhook_mode_checks_the_secret_token(stack: Stack) -> None:
    channel = stack.telegram
    data = update("message_text", next(_users))
    assert stack.loop.run(channel.process_webhook(None, data)) == 403
    assert stack.loop.run(channel.process_webhook("wrong", data)) == 403
    assert stack.loop.run(channel.process_webhook(channel.secret, {"nope": 1})) == 400


def test_the_webhook_route_answers_updates_with_the_right_secret(stack: Stack) -> None:
    import httpx

    user = next(_users)
    data = update("message_text", user, language="en", text="Where is the Questura?")
    data["update_id"] = 10_000_000 + user % 1000
    url = f"{stack.web_url}/telegram/webhook"
    refused = httpx.post(url, json=data, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
    assert refused.status_code == 403
    ok = httpx.post(
        url, json=data, headers={"X-Telegram-Bot-Api-Secret-Token": stack.telegram.secret}
    )
    assert ok.status_code == 200
    assert "Viale Verona" in replies(stack, user, 1)[0].params["text"]


def test_an_update_delivered_twice_is_answered_once(stack: Stack) -> None:
    user = next(_users)
    channel = stack.telegram
    data = update("message_text", user, language="en", text="Thanks!")
    data["update_id"] = 30_000_000 + user % 1000
    for _ in range(2):  # Telegram retries a webhook delivery
        assert stack.loop.run(channel.process_webhook(channel.secret, data)) == 200
    later = update("message_text", user, language="en", text="bye bye, see you")
    later["update_id"] = data["update_id"] + 1
    assert stack.loop.run(channel.process_webhook(channel.secret, later)) == 200
    t = get_translator("en")
    wait_until(lambda: t("goodbye") in texts(stack, user), what="the later answer")
    assert texts(stack, user).count(t("thanks")) == 1  # answered in order: once, before it


def test_the_command_menu_is_described_in_every_language(stack: Stack) -> None:
    calls = stack.bot_api.sent("setMyCommands")
    languages = {c.params.get("language_code") for c in calls}
    assert set(get_settings().languages) <= languages
    arabic = next(c for c in calls if c.params.get("language_code") == "ar")
    commands = {c["command"]: c["description"] for c in arabic.params["commands"]}
    assert commands["human"] == get_translator("ar")("command.human")


def test_long_replies_are_split_and_escaped() -> None:
    text = "\n\n".join(f"<b>Step {n}</b> & more " + "x" * 900 for n in range(12))
    parts = message_parts(text)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "&lt;b&gt;Step 0&lt;/b&gt; &amp; more" in parts[0]
    assert "".join(parts).count("Step") == 12  # nothing lost


def test_long_button_payloads_fit_callback_data() -> None:
    codec = CallbackCodec()
    long = '/qualification_recognition{"part": "documents", "note": "' + "x" * 80 + '"}'
    data = codec.encode(long)
    assert len(data.encode()) <= 64 and codec.decode(data) == long
    assert codec.encode("/help") == "/help"
    assert codec.decode("~unknown") is None  # a button from before a restart


def test_webhook_mode_registers_the_webhook_with_its_secret(stack: Stack) -> None:
    from bot.telegram import TelegramChannel

    settings = stack.settings.copy(
        update={
            "telegram_webhook_url": "https://orienta.example/telegram/webhook",
            "telegram_webhook_secret": SecretStr("s3cret-token"),
        }
    )
    channel = TelegramChannel(stack.switchboard, settings)
    try:
        stack.loop.run(channel.start())
        assert channel.application.updater is None  # no polling in webhook mode
        assert stack.bot_api.webhook["url"] == "https://orienta.example/telegram/webhook"
        assert stack.bot_api.webhook["secret_token"] == "s3cret-token"
        user = next(_users)
        data = {**update("message_text", user, language="en", text="Thanks!"),
                "update_id": 20_000_000 + user % 1000}  # fmt: skip
        assert stack.loop.run(channel.process_webhook("s3cret-token", data)) == 200
        assert replies(stack, user, 1)[0].params["text"] == get_translator("en")("thanks")
    finally:
        stack.loop.run(channel.stop())
        stack.switchboard.register_channel("telegram", stack.telegram.deliver)


def test_a_huge_message_gets_a_polite_request_to_shorten(stack: Stack) -> None:
    user = next(_users)
    text = "Come posso rinnovare il permesso di soggiorno? " * 80  # about 3,800 characters
    stack.bot_api.push(update("message_text", user, language="en", text=text))
    reply = replies(stack, user, 1)[0]
    limit = get_settings().max_message_chars
    assert reply.params["text"] == get_translator("it")("error.too_long", limit=limit)


def test_live_location_updates_are_not_answered_again(stack: Stack) -> None:
    user = next(_users)
    thanks = get_translator("it")("thanks")
    stack.bot_api.push(update("location", user, language="it"))
    stack.bot_api.push(update("message_text", user, language="it", text="Grazie mille"))
    wait_until(lambda: texts(stack, user).count(thanks) == 1, what="the first thanks")
    offices = sum(text.startswith("🏢") for text in texts(stack, user))
    assert offices >= 1
    stack.bot_api.push(update("edited_live_location", user, language="it"))
    stack.bot_api.push(update("message_text", user, language="it", text="Grazie mille"))
    wait_until(lambda: texts(stack, user).count(thanks) == 2, what="the second thanks")
    assert sum(text.startswith("🏢") for text in texts(stack, user)) == offices  # not again


def test_staff_list_open_requests_with_queue(stack: Stack) -> None:
    from .conftest import STAFF_CHAT_ID

    staff_t = get_translator(stack.settings.staff_language)
    before = len(stack.bot_api.sent(chat_id=STAFF_CHAT_ID))
    command = update("staff_reply")
    del command["message"]["reply_to_message"]
    command["message"]["text"] = "/queue"
    command["message"]["entities"] = [{"offset": 0, "length": 6, "type": "bot_command"}]
    stack.bot_api.push(command)
    first = replies(stack, STAFF_CHAT_ID, 1, before)[0]
    assert first.params["text"] in {staff_t("staff.queue_intro"), staff_t("staff.queue_empty")}
