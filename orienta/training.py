"""Training the Rasa model, only when its inputs changed.

A model is named after a fingerprint of everything it is trained from (pipeline, domain,
rules, training data, the custom components' code), so "is the model current?" is a file check.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from orienta import rasa_project
from orienta.paths import CONFIG_FILE, CORE_DATA_DIR, DOMAIN_FILE, NLU_DATA_DIR, PROJECT_ROOT
from orienta.topics import load_topic_map

MODEL_PREFIX = "orienta-"
_CODE = ("orienta/nlu", "orienta/langid.py", "orienta/text.py", "orienta/nlu_data.py")


class TrainingError(RuntimeError):
    pass


def fingerprint(config: Path = CONFIG_FILE, nlu_data: Path = NLU_DATA_DIR) -> str:
    digest = hashlib.sha256()
    files = [
        config,
        DOMAIN_FILE,
        *sorted(CORE_DATA_DIR.rglob("*.yml")),
        *sorted(nlu_data.rglob("*.yml")),
    ]
    for code in _CODE:
        path = PROJECT_ROOT / code
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    for path in files:
        digest.update(
            str(
                path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
            ).encode()
        )
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_file(models_dir: Path, config: Path = CONFIG_FILE, nlu_data: Path = NLU_DATA_DIR) -> Path:
    return models_dir / f"{MODEL_PREFIX}{fingerprint(config, nlu_data)}.tar.gz"


def latest_model(models_dir: Path) -> Path | None:
    models = sorted(models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def train(
    models_dir: Path,
    config: Path = CONFIG_FILE,
    nlu_data: Path = NLU_DATA_DIR,
    force: bool = False,
    quiet: bool = False,
) -> Path:
    """Regenerate the domain and rules, then train unless a current model exists."""
    rasa_project.write(load_topic_map())
    target = model_file(models_dir, config, nlu_data)
    if target.exists() and not force:
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(config),
        "--domain", str(DOMAIN_FILE),
        "--data", str(nlu_data), str(CORE_DATA_DIR),
        "--out", str(models_dir),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
    )
    if result.returncode != 0 or not target.exists():
        tail = (result.stdout or "")[-3000:] if quiet else ""
        raise TrainingError(f"rasa train failed (exit {result.returncode})\n{tail}")
    return target
