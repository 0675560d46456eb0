"""Telegram: python-telegram-bot's ``Application`` in front of the switchboard.

Polling when ``ORIENTA_TELEGRAM_TOKEN`` is set; webhook mode when
``ORIENTA_TELEGRAM_WEBHOOK_URL`` is set too (updates then arrive at ``/telegram/webhook`` of
the web server, which checks the secret-token header). Chats are served concurrently, but
each chat's updates one at a time, so a burst of messages is answered in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import html
import logging
import re
import secrets
from collections import OrderedDict
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, MessageLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core import Incoming, Turn
from bot.deliveries import DeliveryLog, first_time
from bot.formatting import shorten, split_text
from bot.handoff import HandoffView
from bot.switchboard import DeliveryError, Switchboard
from orienta.i18n import Translator, get_translator, language_name
from orienta.settings import Settings, secret

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
CALLBACK_DATA_LIMIT = 64  # bytes, Bot API limit for callback_data
#: the commands of the menu, and the payload each one sends (None: handled here)
COMMANDS: dict[str, str | None] = {
    "start": "/greet",
    "help": "/help",
    "language": "/change_language",
    "human": "/human_handoff",
    "forget": None,
}
HANDOFF_REFERENCE = re.compile(r"#(\d+)")
MESSAGES = filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE
MEDIA = (
    filters.PHOTO
    | filters.Document.ALL
    | filters.Sticker.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
)


class CallbackCodec:
    """Button payloads as ``callback_data`` (at most 64 bytes): long ones by a short key."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self._long: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        if len(payload.encode()) <= CALLBACK_DATA_LIMIT and not payload.startswith("~"):
            return payload
        key = "~" + hashlib.sha256(payload.encode()).hexdigest()[:20]
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self.size:
            self._long.popitem(last=False)
        return key

    def decode(self, data: str) -> str | None:
        """The payload, or None for a key this process no longer knows (an old button)."""
        return self._long.get(data) if data.startswith("~") else data


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat (asyncio locks are first come, first
    served, and update tasks start in the order the updates arrive)."""

    def __init__(self, max_concurrent_updates: int = 32) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # lock, [users]

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, users = self._locks.setdefault(chat.id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await coroutine
        finally:
            users[0] -= 1
            if users[0] == 0:  # nobody holds or waits: forget the chat
                del self._locks[chat.id]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def keyboard(buttons: list[dict[str, Any]], codec: CallbackCodec) -> InlineKeyboardMarkup:
    """One button per row; two per row when every title is short (languages, areas)."""
    per_row = 2 if all(len(b["title"]) <= 16 for b in buttons) else 1
    rows = [
        [
            InlineKeyboardButton(b["title"], callback_data=codec.encode(b["payload"]))
            for b in buttons[i : i + per_row]
        ]
        for i in range(0, len(buttons), per_row)
    ]
    return InlineKeyboardMarkup(rows)


def message_parts(text: str) -> list[str]:
    """HTML-escaped parts that each fit Telegram's message limit."""
    limit = MessageLimit.MAX_TEXT_LENGTH
    escape = lambda s: html.escape(s, quote=False)  # noqa: E731 - Telegram needs only <, >, &
    return [escape(part) for part in split_text(text, limit, lambda s: len(escape(s)))]


class TelegramChannel:
    """Converts between Telegram updates and the switchboard, and renders replies."""

    def __init__(self, switchboard: Switchboard, settings: Settings) -> None:
        if not settings.telegram_token:
            raise ValueError("ORIENTA_TELEGRAM_TOKEN is not set")
        self.switchboard = switchboard
        self.settings = settings
        self.codec = CallbackCodec()
        self.webhook = bool(settings.telegram_webhook_url)
        self.secret = secret(settings.telegram_webhook_secret) or secrets.token_urlsafe(32)
        builder = (
            Application.builder()
            .token(secret(settings.telegram_token))
            .concurrent_updates(ChatOrderedProcessor())
        )
        if settings.telegram_api_url:
            base = settings.telegram_api_url.rstrip("/")
            builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
        if self.webhook:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        #: "starting", "running", "retrying" (Telegram unreachable or the token refused), "stopped"
        self.state = "starting"
        self.deliveries = DeliveryLog(settings.database_url)
        self._starter: asyncio.Task[None] | None = None
        self._register()
        switchboard.register_channel(CHANNEL, self.deliver)
        if settings.staff_chat_id is not None:
            switchboard.add_notifier(TelegramStaffNotifier(self, settings))

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        await self._set_commands()
        await app.start()
        if self.webhook:
            await app.bot.set_webhook(
                str(self.settings.telegram_webhook_url),
                secret_token=self.secret,
                allowed_updates=Update.ALL_TYPES,
            )
        elif app.updater is not None:
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        self.state = "running"

    def start_in_background(self, first_wait: float = 5.0, longest: float = 300.0) -> None:
        """Start, retrying with growing pauses while Telegram cannot be reached: the web chat
        and WhatsApp serve meanwhile, and /health says so."""

        async def keep_trying() -> None:
            wait = first_wait
            while True:
                try:
                    await self.start()
                except (TelegramError, OSError) as exc:
                    logger.warning("Telegram did not start (%s); retrying in %.0f s",
                                   type(exc).__name__, wait)  # fmt: skip
                    with contextlib.suppress(Exception):
                        await self._shut_down()
                    self.state = "retrying"
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, longest)
                    continue
                self.state = "running"
                return

        self._starter = asyncio.get_running_loop().create_task(keep_trying())

    async def stop(self) -> None:
        if self._starter is not None and not self._starter.done():
            self._starter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starter
        await self._shut_down()
        self.state = "stopped"

    async def _shut_down(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _set_commands(self) -> None:
        """The command menu, described in each language Telegram users may have."""
        for language in (None, *self.settings.languages):
            t = self._translator(language or self.settings.default_language)
            commands = [BotCommand(name, t(f"command.{name}")) for name in COMMANDS]
            try:
                await self.application.bot.set_my_commands(commands, language_code=language)
            except TelegramError as exc:
                logger.warning("command menu not set (%s): %s", language, exc)

    async def process_webhook(self, secret_header: str | None, data: Any) -> int:
        """One webhook delivery: 403 unless the secret token matches, 400 unless an update."""
        if not secret_header or not hmac.compare_digest(secret_header, self.secret):
            return 403
        if not isinstance(data, dict) or "update_id" not in data:
            return 400
        update = Update.de_json(data, self.application.bot)
        await self.application.update_queue.put(update)
        return 200

    # -- handlers -------------------------------------------------------------------------

    async def _once(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An update delivered twice (a retried webhook, a restart) is handled once."""
        update_id = getattr(update, "update_id", None)
        if update_id is not None and not await first_time(self.deliveries, CHANNEL, str(update_id)):
            raise ApplicationHandlerStop

    def _register(self) -> None:
        app = self.application
        app.add_handler(TypeHandler(Update, self._once), group=-1)  # before every other
        staff_chat = self.settings.staff_chat_id
        if staff_chat is not None:
            app.add_handler(
                MessageHandler(filters.Chat(chat_id=staff_chat) & MESSAGES, self.on_staff_message)
            )
        for name in COMMANDS:
            app.add_handler(CommandHandler(name, self.on_command, filters=MESSAGES))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(MESSAGES & filters.LOCATION, self.on_location))
        app.add_handler(MessageHandler(MESSAGES & filters.CONTACT, self.on_not_text))
        app.add_handler(MessageHandler(MESSAGES & MEDIA, self.on_not_text))
        app.add_handler(MessageHandler(MESSAGES & filters.TEXT, self.on_text))
        app.add_handler(
            MessageHandler(MESSAGES & ~filters.StatusUpdate.ALL & ~filters.TEXT, self.on_not_text)
        )
        app.add_error_handler(self.on_error)

    def _incoming(self, update: Update, **fields: Any) -> Incoming:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        private = chat.type == ChatType.PRIVATE or user is None
        user_key = str(chat.id) if private else f"{chat.id}:{user.id}"  # type: ignore[union-attr]
        return Incoming(
            channel=CHANNEL,
            user_id=user_key,
            language_hint=user.language_code if user else None,
            address=str(chat.id),
            **{"text": None, **fields},
        )

    def _addressed(self, message: Message) -> bool:
        """In groups, answer only when mentioned or replied to."""
        if message.chat.type == ChatType.PRIVATE:
            return True
        me = self.application.bot
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == me.id:
            return True
        mention = f"@{me.username}".casefold()
        for entity, value in message.parse_entities().items():
            if entity.type == MessageEntity.MENTION and value.casefold() == mention:
                return True
            if (
                entity.type == MessageEntity.TEXT_MENTION
                and entity.user
                and entity.user.id == me.id
            ):
                return True
        return False

    def _without_mention(self, text: str) -> str:
        return re.sub(rf"@{re.escape(self.application.bot.username)}\b", "", text, flags=re.I)

    async def _answer(self, update: Update, incoming: Incoming) -> Turn:
        chat = update.effective_chat
        assert chat is not None
        await self._typing(chat.id)
        turn = await self.switchboard.handle(incoming)
        await self.send(chat.id, turn.replies)
        return turn

    async def _typing(self, chat_id: int) -> None:
        try:
            await self.application.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:  # cosmetic: never stop the answer for it
            logger.debug("typing action failed: %s", exc)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not self._addressed(message):
            return
        text = self._without_mention(message.text or "").strip()
        await self._answer(update, self._incoming(update, text=text))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        name = message.text.split()[0].lstrip("/").split("@")[0].lower()
        chat = update.effective_chat
        assert chat is not None
        if name == "forget":
            turn = await self.switchboard.forget(self._incoming(update))
            await self.send(chat.id, turn.replies)
            return
        turn = await self._answer(update, self._incoming(update, payload=COMMANDS[name]))
        if name == "start" and not turn.handoff_id:
            t = self._translator(turn.language)
            buttons = [
                {
                    "title": language_name(code),
                    "payload": f'/change_language{{"language": "{code}"}}',
                }
                for code in self.settings.languages
            ]
            await self.send(chat.id, [{"text": t("start.choose_language"), "buttons": buttons}])

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        payload = self.codec.decode(query.data or "")
        message = query.message
        if message is None or not isinstance(message, Message):
            return
        if message.chat.id == self.settings.staff_chat_id:
            return
        user = query.from_user
        private = message.chat.type == ChatType.PRIVATE
        incoming = Incoming(
            channel=CHANNEL,
            user_id=str(message.chat.id) if private else f"{message.chat.id}:{user.id}",
            text=None,
            payload=payload or "/help",  # a button from before a restart: show the menu
            language_hint=user.language_code,
            address=str(message.chat.id),
        )
        await self._typing(message.chat.id)
        turn = await self.switchboard.handle(incoming)
        await self.send(message.chat.id, turn.replies)

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.location is None or not self._addressed(message):
            return
        if update.edited_message is not None:  # a live location moving: answered once, at start
            return
        point = (message.location.latitude, message.location.longitude)
        await self._answer(update, self._incoming(update, location=point))

    async def on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Contacts, photos, stickers, voice…: a polite reply saying what to do instead."""
        message = update.effective_message
        if message is None or not self._addressed(message):
            return
        if update.edited_message is not None:  # a new caption is not a new question
            return
        kind = "contact" if message.contact else "media"
        await self._answer(update, self._incoming(update, kind=kind))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error (never the message) and tell the user, if there is one."""
        error = context.error
        logger.error("telegram update failed: %s", type(error).__name__, exc_info=error)
        if isinstance(update, Update) and update.effective_chat is not None:
            t = self._translator(self.settings.default_language)
            try:
                await self.application.bot.send_message(
                    update.effective_chat.id, t("error.unavailable")
                )
            except TelegramError:
                logger.warning("could not report the error to the chat")

    # -- staff ----------------------------------------------------------------------------

    async def on_staff_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Staff answer a user by replying to Orienta's notice about the request (#id)."""
        message = update.effective_message
        if message is None or not message.text:
            return
        t = self._translator(self.settings.staff_language)
        replied = message.reply_to_message
        bot_id = self.application.bot.id
        found = None
        if replied and replied.from_user and replied.from_user.id == bot_id and replied.text:
            found = HANDOFF_REFERENCE.search(replied.text)
        if found is None:
            if message.text.startswith("/"):
                await self._staff_queue(t)
            return
        handoff_id = int(found.group(1))
        if message.text.split()[0].split("@")[0] == "/close":
            closed = await self.switchboard.close_handoff(handoff_id, "staff")
            if closed is None:
                await self._staff_notice(t("staff.not_open", id=handoff_id))
            return
        try:
            await self.switchboard.staff_reply(handoff_id, message.text)
        except DeliveryError as exc:
            logger.warning("staff reply: %s", exc)
            await self._staff_notice(t("staff.not_delivered", id=handoff_id))
            return
        await self._staff_notice(t("staff.sent", id=handoff_id), reply_to=message.message_id)

    async def _staff_queue(self, t: Translator) -> None:
        queue = self.switchboard.desk.queue()
        await self._staff_notice(t("staff.queue_intro") if queue else t("staff.queue_empty"))
        for handoff in queue:
            await self._staff_notice(staff_summary(t, handoff))

    async def _staff_notice(self, text: str, reply_to: int | None = None) -> None:
        chat_id = self.settings.staff_chat_id
        if chat_id is None:
            return
        for part in message_parts(text):
            await self.application.bot.send_message(
                chat_id, part, parse_mode=ParseMode.HTML, reply_to_message_id=reply_to
            )

    # -- sending --------------------------------------------------------------------------

    def _translator(self, language: str) -> Translator:
        return get_translator(language, self.settings.fallback_languages)

    async def send(self, chat_id: int | str, replies: list[dict[str, Any]]) -> None:
        """Each reply as one or more messages; its buttons under the last part."""
        for reply in replies:
            text = reply.get("text") or ""
            if not text:
                continue
            parts = message_parts(text)
            buttons = reply.get("buttons") or []
            for number, part in enumerate(parts, start=1):
                markup = keyboard(buttons, self.codec) if buttons and number == len(parts) else None
                await self.application.bot.send_message(
                    chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    disable_web_page_preview=True,
                )

    async def deliver(self, address: str, replies: list[dict[str, Any]], language: str) -> None:
        await self.send(int(address), replies)


def staff_summary(t: Translator, handoff: HandoffView, lines: int = 12) -> str:
    """A request as staff see it in the group: who, where, and the end of the transcript."""
    labels = {s: t(f"staff.sender.{s}") for s in ("user", "bot", "staff")}
    head = t(
        "staff.new_handoff",
        id=handoff.id,
        channel=handoff.channel,
        language=language_name(handoff.language, t.language),
    )
    transcript = [
        f"{labels[line.sender]}: {shorten(line.text, 400)}" for line in handoff.transcript[-lines:]
    ]
    if handoff.urgent:
        head = f"⚠️ {t('staff.urgent')} · {head}"
    return "\n".join([head, "", *transcript, "", t("staff.reply_hint")])


class TelegramStaffNotifier:
    """Posts requests for a person to the staff group; staff reply to those posts."""

    def __init__(self, channel: TelegramChannel, settings: Settings) -> None:
        self.channel = channel
        self.t = get_translator(settings.staff_language, settings.fallback_languages)

    async def handoff_opened(self, handoff: HandoffView) -> None:
        await self.channel._staff_notice(staff_summary(self.t, handoff))

    async def user_wrote(self, handoff: HandoffView, text: str) -> None:
        await self.channel._staff_notice(self.t("staff.user_wrote", id=handoff.id, text=text))

    async def handoff_closed(self, handoff: HandoffView, by: str) -> None:
        await self.channel._staff_notice(self.t(f"staff.closed_by_{by}", id=handoff.id))
