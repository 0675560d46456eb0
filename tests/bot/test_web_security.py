"""What a stranger can send to the web server: too much, from another site, through a proxy,
or with odd headers. Each gets a clear 4xx, never a 500."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.switchboard import Switchboard
from bot.web.app import MAX_BODY_BYTES, create_app
from bot.web.security import SECURITY_HEADERS, BodyLimitMiddleware
from knowledge.db import migrate
from orienta.i18n import get_translator
from orienta.settings import Settings

from .fakes import EchoCore

LOCAL = {"base_url": "http://127.0.0.1:8080", "client": ("127.0.0.1", 50000)}
CLOSE = "/api/staff/handoffs/1/close"


def client(url: str, local: bool = True, **settings: Any) -> TestClient:
    migrate(url)
    config = Settings(database_url=url, **settings)  # type: ignore[call-arg]
    switchboard = Switchboard(core=None, settings=config)  # type: ignore[arg-type]
    app = create_app(switchboard, config)
    return TestClient(app, **(LOCAL if local else {}), raise_server_exceptions=False)


@pytest.fixture
def local(tmp_path: Any) -> TestClient:
    return client(f"sqlite:///{tmp_path / 'web.db'}")


def test_every_response_carries_the_security_headers(local: TestClient) -> None:
    for path in ("/", "/staff", "/health", "/static/chat.js", "/no-such-page"):
        response = local.get(path)
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header) == value, (path, header)
    assert "script-src 'self'" in SECURITY_HEADERS["content-security-policy"]


def test_a_chunked_body_over_the_limit_is_refused_before_it_is_read(local: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(200):  # 200 × 16 KiB = 3.2 MB, with no Content-Length
            yield b"x" * 16384

    response = local.post(CLOSE, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_the_body_limit_stops_reading_at_the_limit() -> None:
    """The middleware itself, fed 16 KiB chunks: it answers 413 after the limit, unread rest."""
    received = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": b"x" * 16384, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the route must not run")

    scope = {"type": "http", "headers": [(b"transfer-encoding", b"chunked")]}
    asyncio.run(BodyLimitMiddleware(app, limit=MAX_BODY_BYTES)(scope, receive, send))
    assert sent[0]["status"] == 413
    assert received == MAX_BODY_BYTES // 16384 + 1


def test_a_declared_length_over_the_limit_is_refused(local: TestClient) -> None:
    big = b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}"
    response = local.post("/api/message", content=big,
                          headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 413


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Content-Type: a form or a "simple" request of another site
        {"content-type": "text/plain"},
        {"content-type": "application/json", "origin": "https://evil.example"},
        {"content-type": "application/json", "origin": "null"},
        {"content-type": "application/json", "sec-fetch-site": "cross-site"},
    ],
)
def test_another_site_cannot_drive_the_staff_api(local: TestClient, headers: dict) -> None:
    response = local.post(CLOSE, content=b"{}", headers=headers)
    assert response.status_code in (403, 415)
    reply = local.post("/api/staff/handoffs/1/reply", content=b'{"text": "send your passport"}',
                       headers=headers)  # fmt: skip
    assert reply.status_code in (403, 415)


def test_orienta_s_own_page_can(local: TestClient) -> None:
    headers = {"content-type": "application/json", "origin": "http://127.0.0.1:8080",
               "sec-fetch-site": "same-origin"}  # fmt: skip
    assert local.post(CLOSE, content=b"{}", headers=headers).status_code == 404  # none open


def test_without_a_token_a_proxy_or_a_rebound_name_is_not_this_computer(
    local: TestClient,
) -> None:
    assert local.get("/api/staff/handoffs").status_code == 200
    proxied = local.get("/api/staff/handoffs", headers={"x-forwarded-for": "203.0.113.9"})
    assert proxied.status_code == 403
    rebound = local.get("/api/staff/handoffs", headers={"host": "attacker.example:8080"})
    assert rebound.status_code == 403


def test_a_token_with_odd_characters_is_refused_not_an_error(tmp_path: Any) -> None:
    staff = client(f"sqlite:///{tmp_path / 'token.db'}", staff_token="s3cret")
    for value in ("Bearer sécret", "Bearer \u00ff\u00fe", "Bearer " + "x" * 5000):
        response = staff.get(
            "/api/staff/handoffs", headers={"authorization": value.encode("utf-8")}
        )  # type: ignore[dict-item]
        assert response.status_code == 401


def test_a_locked_database_gives_a_quick_health_answer_and_a_clear_503(tmp_path: Any) -> None:
    path = tmp_path / "locked.db"
    web = client(f"sqlite:///{path}")
    lock = sqlite3.connect(path, isolation_level=None, timeout=0)
    lock.execute("BEGIN EXCLUSIVE")  # another process holds the database
    try:
        started = time.monotonic()
        health = web.get("/health")
        assert time.monotonic() - started < 4
        assert health.status_code == 503 and health.json()["database"] is False
        queue = web.get("/api/staff/handoffs")
        assert queue.status_code == 503 and "database" in queue.json()["detail"]
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert web.get("/api/staff/handoffs").status_code == 200  # back when the database is


def limited(tmp_path: Any, **limits: str) -> TestClient:
    url = f"sqlite:///{tmp_path / 'limits.db'}"
    migrate(url)
    config = Settings(database_url=url, **limits)  # type: ignore[call-arg]
    switchboard = Switchboard(EchoCore(), config)  # type: ignore[arg-type]
    return TestClient(create_app(switchboard, config), **LOCAL)


def test_too_many_messages_get_a_polite_reply_in_the_user_s_language(tmp_path: Any) -> None:
    web = limited(tmp_path, rate_limit_messages="3/minute")
    said = [web.post("/api/message", json={"session": "fastwriter1", "text": "ciao"}).json()
            for _ in range(4)]  # fmt: skip
    assert [s["replies"][0]["text"] for s in said[:3]] == ["ciao"] * 3
    assert said[3]["replies"][0]["text"] == get_translator("it")("error.rate_limited")
    other = web.post("/api/message", json={"session": "slowwriter1", "text": "ciao"}).json()
    assert other["replies"][0]["text"] == "ciao"  # per conversation


def test_too_many_messages_from_one_address_get_429(tmp_path: Any) -> None:
    web = limited(tmp_path, rate_limit_address="2/minute")
    codes = [web.post("/api/message", json={"session": f"someone{i:04}", "text": "ciao"})
             .status_code for i in range(3)]  # fmt: skip
    assert codes == [200, 200, 429]


def test_handoffs_opened_again_and_again_are_limited(tmp_path: Any) -> None:
    web = limited(tmp_path, rate_limit_handoffs="2/hour")
    opened = []
    for _ in range(3):
        turn = web.post("/api/message", json={"session": "askperson1", "text": "persona"}).json()
        opened.append(turn["handoff"])
        if turn["handoff"]:
            web.post(f"/api/staff/handoffs/{turn['handoff']}/close", json={})
    assert opened[0] and opened[1] and opened[2] is None
    assert turn["replies"][0]["text"] == get_translator("it")("handoff.too_many")


def test_polling_for_replies_is_limited_per_address(tmp_path: Any) -> None:
    web = limited(tmp_path, rate_limit_polls="2/minute")
    codes = [web.get("/api/updates", params={"session": f"guess{i:08}"}).status_code
             for i in range(3)]  # fmt: skip
    assert codes == [200, 200, 429]
