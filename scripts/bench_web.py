"""Benchmark: the web chat API of `orienta run` under concurrent users.

Starts `orienta run` on a free port with a copy of the database, sends held-out questions
from several simulated users at once (each user's questions in order, as a person types),
and prints latency percentiles, throughput and the server's peak memory.
Run with `make bench-web`; never used as a timed test.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
USERS = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def user(client: httpx.AsyncClient, url: str, name: str, texts: list[str],
               latencies: list[float]) -> None:  # fmt: skip
    for text in texts:
        start = time.perf_counter()
        response = await client.post(f"{url}/api/message", json={"session": name, "text": text})
        response.raise_for_status()
        latencies.append(time.perf_counter() - start)


async def load(url: str, texts: list[str]) -> tuple[list[float], float]:
    latencies: list[float] = []
    per_user = [texts[i::USERS] for i in range(USERS)]
    async with httpx.AsyncClient(timeout=120) as client:
        start = time.perf_counter()
        await asyncio.gather(
            *(user(client, url, f"benchuser{n:04d}", t, latencies) for n, t in enumerate(per_user))
        )
        return latencies, time.perf_counter() - start


def main() -> int:
    rows = [json.loads(line) for f in sorted((ROOT / "eval" / "heldout").glob("*.jsonl"))
            for line in f.open()]  # fmt: skip
    texts = [r["text"] for r in itertools.islice(itertools.cycle(rows), QUESTIONS)]
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "orienta.db"
        shutil.copy(ROOT / "orienta.db", database)
        env = {**os.environ, "ORIENTA_WEB_PORT": str(port),
               "ORIENTA_DATABASE_URL": f"sqlite:///{database}",
               # every simulated user comes from 127.0.0.1: lift the per-address limit
               "ORIENTA_RATE_LIMIT_ADDRESS": "1000000/minute"}  # fmt: skip
        started = time.perf_counter()
        server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "orienta"), "run"], cwd=ROOT,
                                  env=env, stderr=subprocess.DEVNULL)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.perf_counter() - started > 300:
                    print("orienta run did not start", file=sys.stderr)
                    return 1
                time.sleep(0.5)
            ready = time.perf_counter() - started
            latencies, elapsed = asyncio.run(load(url, texts))
        finally:
            server.terminate()
            server.wait(30)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    q = statistics.quantiles(latencies, n=100)
    print(f"start-up: {ready:.1f} s (model, action server, web server)")
    print(f"questions: {len(latencies)} from {USERS} concurrent users in {elapsed:.1f} s "
          f"({len(latencies) / elapsed:.1f} questions/s)")  # fmt: skip
    print(f"latency: p50 {q[49] * 1000:.0f} ms · p95 {q[94] * 1000:.0f} ms · "
          f"max {max(latencies) * 1000:.0f} ms")  # fmt: skip
    print(f"peak memory (largest process): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
