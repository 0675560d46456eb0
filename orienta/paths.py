"""Where the project's files are, resolved from the package location (never from the CWD)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = PROJECT_ROOT / "locales"
NLU_DATA_DIR = PROJECT_ROOT / "nlu_data"
CORE_DATA_DIR = PROJECT_ROOT / "data"
EVAL_DIR = PROJECT_ROOT / "eval"
CONFIG_FILE = PROJECT_ROOT / "config.yml"
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
DEFAULT_TOPICS_FILE = PROJECT_ROOT.parent / "shared" / "topics.yml"
