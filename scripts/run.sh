#!/usr/bin/env bash
# Installs Feltkart (first time) and starts the dashboard. The demo database is created on first start.
# Options are passed to Streamlit, e.g. scripts/run.sh --server.port 8600
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
.venv/bin/feltkart init
# Local by default: without sign-in configured, real data is only served on this machine.
exec .venv/bin/python -m streamlit run dashboard/app.py --server.address 127.0.0.1 "$@"
