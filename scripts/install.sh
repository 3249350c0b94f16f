#!/usr/bin/env bash
# Installs Feltkart into ./.venv with the pinned versions in constraints.txt (skipped when current).
# Usage: scripts/install.sh [extra]   e.g. "test" to add the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Feltkart needs Python 3.11 or newer (found: $("$python" --version 2>&1))." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv || {
        echo "Could not create .venv. On Debian/Ubuntu: apt-get install python3-venv" >&2
        exit 1
    }
fi
target=".${extra:+[$extra]}"
stamp=".venv/.feltkart-installed${extra:+-$extra}"
digest=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "Installing Feltkart and its dependencies into .venv ..." >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$target"
    echo "$digest" > "$stamp"
fi
