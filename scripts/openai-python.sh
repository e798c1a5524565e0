#!/usr/bin/env bash
# A Python with the OpenAI client, for the tests that run the portal's Python snippet against the local gateway
# (LocalDemoTest): a virtual environment in the cache, outside the repository. Idempotent.
#
# Pinned: openai 3.63.0 (from PyPI). Measured on the 2-core machine: about 9 s cold, under a second when present.
#
# Usage: scripts/openai-python.sh [--print-python]
#   NEBARI_OPENAI_PYTHON_HOME overrides the environment's directory (default ~/.cache/nebari-llm-serving/openai-python).
set -euo pipefail

OPENAI_VERSION="${OPENAI_VERSION:-3.63.0}"
HOME_DIR="${NEBARI_OPENAI_PYTHON_HOME:-$HOME/.cache/nebari-llm-serving/openai-python}"
PYTHON="$HOME_DIR/bin/python"

if [[ "${1:-}" == "--print-python" ]]; then
  echo "$PYTHON"
  exit 0
fi

if [[ -x "$PYTHON" ]] && [[ "$("$PYTHON" -c 'import openai; print(openai.__version__)' 2>/dev/null)" == "$OPENAI_VERSION" ]]; then
  echo "openai-python: openai $OPENAI_VERSION ready in $HOME_DIR"
  exit 0
fi
python3 -m venv "$HOME_DIR" || { echo "openai-python: python3 with the venv module is needed" >&2; exit 1; }
"$PYTHON" -m pip install --quiet --disable-pip-version-check "openai==$OPENAI_VERSION"
echo "openai-python: openai $OPENAI_VERSION installed in $HOME_DIR"
