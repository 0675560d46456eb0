"""What every request to the web server goes through: a body limit that holds for chunked
bodies too, security headers, and the checks that stop other sites driving the staff API."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: sent with every response
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
#: headers a reverse proxy adds: the request did not come from this computer
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip", "x-forwarded-host")


async def _plain(send: Send, status: int, text: bytes) -> None:
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"),
                    *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": text})


class BodyLimitMiddleware:
    """Refuse (413) a body over ``limit`` bytes, whether it says its length or is chunked,
    before any route reads or checks it; the body is read at most ``limit`` + one chunk."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _plain(send, 413, b'{"error": "request too large"}')
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await _plain(send, 413, b'{"error": "request too large"}')
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no inline script), no framing, no sniffing, no referrer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k.encode(), v.encode())
                    for k, v in SECURITY_HEADERS.items()
                    if k.encode() not in present
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def host_name(request: Request) -> str:
    """The Host header without the port ('[::1]:8080' → '::1')."""
    host = request.headers.get("host", "")
    return (urlsplit(f"//{host}").hostname or "") if host else ""


def same_site_json(request: Request) -> None:
    """A state-changing request from Orienta's own pages: a JSON body, and no other site's
    Origin. Forms and "simple" requests of other sites cannot send that (CSRF)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HTTPException(415, "send a JSON body (Content-Type: application/json)")
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        raise HTTPException(403, "cross-site request refused")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        origin_host = urlsplit(origin).netloc
        if origin_host != request.headers.get("host", ""):
            raise HTTPException(403, "cross-site request refused")
    elif origin == "null":
        raise HTTPException(403, "cross-site request refused")


def from_this_computer(request: Request) -> bool:
    """The request reached us directly from this computer, by a loopback name: not through
    a reverse proxy and not by a rebound DNS name."""
    client = request.client.host if request.client else ""
    if not is_loopback(client) or not is_loopback(host_name(request)):
        return False
    return not any(request.headers.get(h) for h in FORWARDING_HEADERS)
