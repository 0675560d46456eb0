"""Benchmark: `orienta ask --jsonl` on 250 held-out questions, model loading included.

Prints wall time, questions per second and the peak memory of the largest process.
Run with `make bench`; never used as a timed test.
"""

from __future__ import annotations

import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(sys.argv[1]) if len(sys.argv) > 1 else 250


def main() -> int:
    rows = [
        json.loads(line)
        for f in sorted((ROOT / "eval" / "heldout").glob("*.jsonl"))
        for line in f.open()
    ]
    questions = [{"text": r["text"]} for r in itertools.islice(itertools.cycle(rows), N)]
    payload = "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions)
    start = time.perf_counter()
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "orienta"), "ask", "--jsonl"],
        input=payload, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        return 1
    answered = len(result.stdout.splitlines())
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"questions: {answered}/{N}")
    print(f"wall time: {elapsed:.1f} s (model loading and action server start included)")
    print(f"throughput: {answered / elapsed:.1f} questions/s")
    print(f"peak memory (largest process): {peak_mb:.0f} MB")
    return 0 if answered == N else 1


if __name__ == "__main__":
    sys.exit(main())
