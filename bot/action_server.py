"""Run the rasa-sdk action server (``actions/``) as a child process on a free local port,
on loopback only, and bring it back when it dies."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import IO

from orienta.paths import PROJECT_ROOT
from orienta.settings import Settings

logger = logging.getLogger(__name__)
#: seconds between checks, and the longest wait between two restarts
CHECK_EVERY = 1.0
MAX_BACKOFF = 30.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: the child gets SIGTERM if Orienta itself dies (even by SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ActionServerError(RuntimeError):
    pass


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ActionServer:
    def __init__(self, settings: Settings, startup_timeout: float = 90.0) -> None:
        self.settings = settings
        self.host = settings.action_server_host
        self.port = settings.action_server_port or free_port(self.host)
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - lives with the process
        #: times the action server was brought back after dying
        self.restarts = 0
        self._ready = False

    @property
    def alive(self) -> bool:
        """Running and answering (as far as the last check knows)."""
        return self._ready and self._process is not None and self._process.poll() is None

    @property
    def webhook_url(self) -> str:
        return f"http://{self.host}:{self.port}/webhook"

    def start(self) -> None:
        previous, self._log = self._log, tempfile.TemporaryFile()  # noqa: SIM115 - see stop()
        previous.close()
        env = {
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "ORIENTA_DATABASE_URL": self.settings.database_url,  # the core's database
            "SANIC_HOST": self.host,  # rasa-sdk listens on 0.0.0.0 unless told
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def wait_ready(self) -> None:
        """Block until ``/health`` answers; raise with the server's own error if it died."""
        deadline = time.monotonic() + self.startup_timeout
        url = f"http://{self.host}:{self.port}/health"
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                self._log.seek(0)
                err = self._log.read().decode(errors="replace")
                raise ActionServerError(f"the action server exited at start:\n{err[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        self._ready = True
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise ActionServerError(
            f"the action server did not answer on {url} in {self.startup_timeout}s"
        )

    async def supervise(self) -> None:
        """Notice within seconds that the server died, and restart it with growing pauses
        (1, 2, 4 … 30 s) until it answers again. Runs until cancelled."""
        backoff = 1.0
        while True:
            await asyncio.sleep(CHECK_EVERY)
            if self._process is not None and self._process.poll() is None:
                continue
            self._ready = False
            code = self._process.returncode if self._process else None
            logger.warning("the action server stopped (exit %s); restarting it", code)
            try:
                self.start()
                await asyncio.to_thread(self.wait_ready)
            except Exception as exc:  # the supervisor itself must never stop
                logger.warning("action server restart failed: %s", str(exc)[-300:])
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            self.restarts += 1
            backoff = 1.0
            logger.warning("the action server is back (restart %d)", self.restarts)

    def stop(self) -> None:
        self._ready = False
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        self._log.close()
