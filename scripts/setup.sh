#!/usr/bin/env bash
# Set up Orienta: .venv with pinned dependencies, compiled catalogs, a current model.
#   scripts/setup.sh            install and train (if the model is not current)
#   scripts/setup.sh --no-train install only
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "setup: Orienta needs Python 3.11 (found $("$PYTHON" --version 2>&1)); set PYTHON=..." >&2
  exit 1
fi

UV_VERSION=0.13.9
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -m uv --version 2>/dev/null | grep -q "$UV_VERSION"; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi

# uv reads [tool.uv] in pyproject.toml (Rasa's metadata with relaxed Python markers, overrides),
# so it must run from the project root.
echo "setup: installing pinned dependencies (requirements.txt)"
.venv/bin/python -m uv pip install --quiet --python .venv/bin/python -r requirements.txt
.venv/bin/python -m uv pip install --quiet --python .venv/bin/python --no-deps -e .

echo "setup: compiling message catalogs"
.venv/bin/python -c "from orienta.i18n import compile_catalogs; compile_catalogs()"

echo "setup: loading the knowledge base into the database (ORIENTA_DATABASE_URL, SQLite by default)"
.venv/bin/orienta kb import > /dev/null

if [ "${1:-}" != "--no-train" ]; then
  echo "setup: training the model if it is not current (first time: a few minutes)"
  .venv/bin/orienta train
fi
echo "setup: done"
