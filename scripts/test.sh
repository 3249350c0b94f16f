#!/usr/bin/env bash
# Installs Feltkart with its test tools and runs the whole test suite. Arguments go to pytest.
# The browser tests need Debian's chromium; as root this script installs it when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh test
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium for the browser tests ..." >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
    else
        echo "chromium is missing: the browser tests will fail. Install it (apt-get install chromium)." >&2
    fi
fi
exec .venv/bin/python -m pytest "$@"
