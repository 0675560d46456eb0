"""Faults on the real processes: the action server dies, Telegram cannot be reached, Orienta
is stopped. Orienta keeps answering what it can, says so, recovers, and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.action_server import ActionServer
from orienta.i18n import get_translator
from orienta.paths import PROJECT_ROOT

from .conftest import Stack, free_port, wait_until

pytestmark = pytest.mark.slow


def say(stack: Stack, session: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{stack.web_url}/api/message", json={"session": session, **body})
    assert response.status_code == 200
    return dict(response.json())


def test_a_dead_action_server_is_noticed_and_restarted(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = stack.core.action_server
    real_start = ActionServer.start

    def failing_start(self: ActionServer) -> None:  # a restart that does not come up (yet)
        self._process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])

    monkeypatch.setattr(ActionServer, "start", failing_start)
    assert server._process is not None
    server._process.kill()
    wait_until(lambda: not server.alive, timeout=10, what="the death to be noticed")
    health = httpx.get(f"{stack.web_url}/health")
    assert health.status_code == 503 and health.json()["action_server"] is False

    t = get_translator("it")
    down = say(stack, "faultsession1", text="Come rinnovo il permesso di soggiorno?", language="it")
    assert [r["text"] for r in down["replies"]] == [t("error.unavailable")]
    assert down["replies"][0]["buttons"][0]["payload"] == "/human_handoff"
    person = say(stack, "faultsession2", payload="/human_handoff", language="it")
    assert person["handoff"] and person["replies"][0]["text"] == t("handoff.opened")

    restarts = server.restarts
    monkeypatch.setattr(ActionServer, "start", real_start)
    wait_until(lambda: server.alive, timeout=90, what="the action server to come back")
    assert server.restarts == restarts + 1
    assert httpx.get(f"{stack.web_url}/health").status_code == 200
    back = say(stack, "faultsession1", text="Come rinnovo il permesso di soggiorno?")
    assert back["topic"] == "permit_renewal" and "60 giorni" in back["replies"][0]["text"]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _listens_on_loopback_only(port: int) -> bool:
    """/proc/net/tcp: every socket listening on ``port`` is bound to 127.0.0.1."""
    local = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        address, state = fields[1], fields[3]
        ip, hex_port = address.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # LISTEN
            local.append(ip)
    return bool(local) and all(ip == "0100007F" for ip in local)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_unreachable_telegram_does_not_stop_the_web_chat_and_a_signal_stops_everything(
    fast_model: Path, knowledge_db: str, stop_with: signal.Signals
) -> None:
    web, dead, actions = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "ORIENTA_DATABASE_URL": knowledge_db,
        "ORIENTA_WEB_PORT": str(web),
        "ORIENTA_ACTION_SERVER_PORT": str(actions),
        "ORIENTA_TELEGRAM_TOKEN": "123456:UNREACHABLE",
        "ORIENTA_TELEGRAM_API_URL": f"http://127.0.0.1:{dead}",  # nothing listens there
    }
    exe = Path(sys.executable).parent / "orienta"
    process = subprocess.Popen(
        [str(exe), "run", "--model", str(fast_model)], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{web}"

        def healthy() -> dict[str, Any] | None:
            try:
                response = httpx.get(f"{url}/health", timeout=2)
            except httpx.HTTPError:
                return None
            return dict(response.json()) if response.status_code == 200 else None

        health = wait_until(healthy, timeout=240, what="orienta run to serve")
        assert health["channels"]["telegram"] in {"retrying", "starting"}
        turn = httpx.post(f"{url}/api/message", json={"session": "faultsession3",
                          "text": "Dov'è la Questura di Trento?"}).json()  # fmt: skip
        assert turn["topic"] == "find_office" and turn["replies"]
        assert _listens_on_loopback_only(actions)
        children = _children(process.pid)
        assert children, "the action server runs as a child"
        process.send_signal(stop_with)
        assert process.wait(timeout=60) is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
            time.sleep(0.2)
        alive = [c for c in children if _running(c)]
        assert not alive, f"left running: {alive}"
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
