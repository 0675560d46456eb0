"""One FastAPI application: web chat, staff page, Telegram and WhatsApp webhooks.

The chat page and the staff page are static files; every text on them comes from the
catalogs through ``/api/ui`` and ``/api/staff/ui``. The staff API needs ``ORIENTA_STAFF_TOKEN``
as a bearer token when it is set, and otherwise answers only requests from this computer.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from bot.core import Incoming, Turn
from bot.handoff import HandoffView
from bot.switchboard import DeliveryError, Switchboard
from bot.telegram import TelegramChannel
from bot.web.outbox import WebOutbox
from bot.web.security import (
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    from_this_computer,
    same_site_json,
)
from bot.whatsapp import WhatsAppChannel
from knowledge.db import DatabaseUnavailableError, reachable
from knowledge.directory import valid_point
from orienta.i18n import get_translator, is_rtl, language_name
from orienta.langid import hint_language
from orienta.settings import Settings, secret

STATIC = Path(__file__).parent / "static"
CHANNEL = "web"
SESSION = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_BODY_BYTES = 64 * 1024
#: /health answers within this many seconds, whatever the database does
HEALTH_TIMEOUT = 2.0
WEB_KEYS = (
    "web.title",
    "web.intro",
    "web.placeholder",
    "web.send",
    "web.language",
    "web.location",
    "web.location_unavailable",
    "web.error",
    "web.staff_waiting",
    "web.map",
    "web.privacy",
    "command.forget",
)
STAFF_KEYS = (
    "staff.page_title",
    "staff.urgent",
    "staff.queue_empty",
    "staff.reply_placeholder",
    "staff.send",
    "staff.close",
    "staff.token",
    "staff.token_needed",
    "staff.sender.user",
    "staff.sender.bot",
    "staff.sender.staff",
    "staff.not_delivered_web",
    "staff.opened_at",
)


class ChatMessage(BaseModel):
    session: str
    text: str | None = None
    payload: str | None = None
    language: str | None = Field(None, description="The language chosen in the page, a hint.")
    latitude: float | None = None
    longitude: float | None = None


class StaffReply(BaseModel):
    text: str


def direction(language: str) -> str:
    return "rtl" if is_rtl(language) else "ltr"


def turn_json(turn: Turn) -> dict[str, Any]:
    return {
        "language": turn.language,
        "direction": direction(turn.language),
        "topic": turn.topic,
        "replies": turn.replies,
        "handoff": turn.handoff_id,
    }


def handoff_json(handoff: HandoffView) -> dict[str, Any]:
    return {
        "id": handoff.id,
        "channel": handoff.channel,
        "language": handoff.language,
        "language_name": language_name(handoff.language),
        "direction": direction(handoff.language),
        "opened_at": handoff.opened_at.isoformat() + "Z",
        "urgent": handoff.urgent,
        "transcript": [
            {"sender": line.sender, "text": line.text, "at": line.at.isoformat() + "Z"}
            for line in handoff.transcript
        ],
    }


def create_app(
    switchboard: Switchboard,
    settings: Settings,
    telegram: TelegramChannel | None = None,
    whatsapp: WhatsAppChannel | None = None,
) -> FastAPI:
    app = FastAPI(title="Orienta", docs_url=None, redoc_url=None, openapi_url=None)
    outbox = WebOutbox(settings.database_url)
    switchboard.register_channel(CHANNEL, outbox.deliver)
    app.state.outbox = outbox
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def ui_language(requested: str | None) -> str:
        code = hint_language(requested)
        return code if code in settings.languages else settings.default_language

    # outermost last: headers on every response, then the body limit before anything reads
    app.add_middleware(BodyLimitMiddleware, limit=MAX_BODY_BYTES)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.get("/", include_in_schema=False)
    async def chat_page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/staff", include_in_schema=False)
    async def staff_page() -> FileResponse:
        return FileResponse(STATIC / "staff.html", media_type="text/html")

    @app.get("/health")
    async def health() -> JSONResponse:
        """The truth: 200 only when Orienta can answer (model, action server, database)."""
        core = switchboard.core
        try:
            database = await asyncio.wait_for(
                asyncio.to_thread(reachable, settings.database_url), HEALTH_TIMEOUT
            )
        except TimeoutError:
            database = False
        model = bool(core is not None and core.model_loaded)
        actions = bool(core is not None and core.action_server.alive)
        channels = {"web": "running"}
        for name, channel in (("telegram", telegram), ("whatsapp", whatsapp)):
            channels[name] = channel.state if channel is not None else "off"
        ok = model and actions and database
        body = {
            "status": "ok" if ok else "unavailable",
            "model": model,
            "action_server": actions,
            "action_server_restarts": core.action_server.restarts if core is not None else 0,
            "database": database,
            "channels": channels,
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/api/ui")
    async def ui(lang: str | None = None) -> dict[str, Any]:
        language = ui_language(lang)
        t = get_translator(language, settings.fallback_languages)
        return {
            "language": language,
            "direction": direction(language),
            "strings": {key.split(".", 1)[1]: t(key) for key in WEB_KEYS},
            "languages": [
                {"code": code, "name": language_name(code), "direction": direction(code)}
                for code in settings.languages
            ],
        }

    @app.post("/api/message", dependencies=[Depends(same_site_json)])
    async def message(body: ChatMessage, request: Request) -> dict[str, Any]:
        address = request.client.host if request.client else ""
        if not switchboard.limits.allow("address", address):
            raise HTTPException(429, "too many messages from this address; wait a minute")
        if not SESSION.match(body.session):
            raise HTTPException(422, "session must be 8–64 letters, digits, - or _")
        location = None
        if body.latitude is not None and body.longitude is not None:
            if not valid_point(body.latitude, body.longitude):
                raise HTTPException(422, "latitude or longitude out of range")
            location = (body.latitude, body.longitude)
        turn = await switchboard.handle(
            Incoming(
                channel=CHANNEL,
                user_id=body.session,
                text=body.text,
                payload=body.payload,
                language_hint=body.language,
                location=location,
            )
        )
        return turn_json(turn)

    @app.post("/api/forget", dependencies=[Depends(same_site_json)])
    async def forget(body: ChatMessage) -> dict[str, Any]:
        if not SESSION.match(body.session):
            raise HTTPException(422, "session must be 8–64 letters, digits, - or _")
        incoming = Incoming(CHANNEL, body.session, None, language_hint=body.language)
        await outbox.forget(body.session)
        return turn_json(await switchboard.forget(incoming))

    @app.get("/api/updates")
    async def updates(
        request: Request, session: str, after: int = Query(0, ge=0, le=2**62)
    ) -> dict[str, Any]:
        address = request.client.host if request.client else ""
        if not switchboard.limits.allow("poll", address):  # guessing session ids is slow too
            raise HTTPException(429, "too many requests from this address; wait a minute")
        if not SESSION.match(session):
            raise HTTPException(422, "session must be 8–64 letters, digits, - or _")
        cid = Incoming(CHANNEL, session, None).conversation_id
        try:
            handoff = await asyncio.to_thread(switchboard.active_handoff, cid)
            messages = await outbox.fetch(session, after)
        except DatabaseUnavailableError as exc:
            raise HTTPException(503, "the database is not reachable; try again shortly") from exc
        return {"messages": messages, "handoff": handoff.id if handoff else None}

    # -- staff ------------------------------------------------------------------------------

    def require_staff(request: Request) -> None:
        """The staff token when one is set; without it, only this computer, directly."""
        if settings.staff_token:
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), secret(settings.staff_token).encode()):
                raise HTTPException(401, "staff token needed")
        elif not from_this_computer(request):
            raise HTTPException(403, "set ORIENTA_STAFF_TOKEN to open the staff page remotely")

    @app.get("/api/staff/ui")
    async def staff_ui() -> dict[str, Any]:
        language = settings.staff_language
        t = get_translator(language, settings.fallback_languages)
        return {
            "language": language,
            "direction": direction(language),
            "strings": {key.removeprefix("staff."): t(key) for key in STAFF_KEYS},
            "token_required": bool(settings.staff_token),
        }

    @app.get("/api/staff/handoffs")
    async def staff_queue(request: Request) -> dict[str, Any]:
        require_staff(request)
        try:
            queue = await asyncio.to_thread(switchboard.desk.queue)
        except DatabaseUnavailableError as exc:
            raise HTTPException(503, "the database is not reachable; try again shortly") from exc
        return {"handoffs": [handoff_json(h) for h in queue]}

    @app.post("/api/staff/handoffs/{handoff_id}/reply", dependencies=[Depends(same_site_json)])
    async def staff_reply(handoff_id: int, body: StaffReply, request: Request) -> dict[str, Any]:
        require_staff(request)
        text = body.text.strip()
        if not text:
            raise HTTPException(422, "empty reply")
        try:
            handoff = await switchboard.staff_reply(handoff_id, text)
        except DeliveryError as exc:
            raise HTTPException(409, str(exc)) from exc
        except DatabaseUnavailableError as exc:
            raise HTTPException(503, "the database is not reachable; try again shortly") from exc
        return handoff_json(handoff)

    @app.post("/api/staff/handoffs/{handoff_id}/close", dependencies=[Depends(same_site_json)])
    async def staff_close(handoff_id: int, request: Request) -> dict[str, Any]:
        require_staff(request)
        try:
            closed = await switchboard.close_handoff(handoff_id, "staff")
        except DatabaseUnavailableError as exc:
            raise HTTPException(503, "the database is not reachable; try again shortly") from exc
        if closed is None:
            raise HTTPException(404, f"handoff #{handoff_id} is not open")
        return {"closed": handoff_id}

    # -- channel webhooks -------------------------------------------------------------------

    if telegram is not None:

        @app.post("/telegram/webhook")
        async def telegram_webhook(request: Request) -> Response:
            try:
                data = await request.json()
            except ValueError:
                data = None
            status = await telegram.process_webhook(
                request.headers.get("x-telegram-bot-api-secret-token"), data
            )
            return Response(status_code=status)

    if whatsapp is not None:

        @app.get("/whatsapp/webhook")
        async def whatsapp_verify(
            mode: str | None = Query(None, alias="hub.mode"),
            token: str | None = Query(None, alias="hub.verify_token"),
            challenge: str | None = Query(None, alias="hub.challenge"),
        ) -> Response:
            answer = whatsapp.verify(mode, token, challenge)
            if answer is None:
                return Response(status_code=403)
            return PlainTextResponse(answer)

        @app.post("/whatsapp/webhook")
        async def whatsapp_receive(request: Request) -> Response:
            body = await request.body()
            if not whatsapp.check_signature(body, request.headers.get("x-hub-signature-256")):
                return Response(status_code=403)
            try:
                payload = await request.json()
            except ValueError:
                return Response(status_code=400)
            whatsapp.receive(payload)
            return Response(status_code=200)

    return app
