#!/usr/bin/env bash
# Runs the end-to-end tests against a built trellis binary (default: the debug build).
# Creates (or reuses) the venv with the OpenTelemetry Python SDK from requirements.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv-e2e"
export TRELLIS_BIN="${TRELLIS_BIN:-$root/.build/debug/trellis}"

"$root/scripts/venv" "$venv" "$here/requirements.txt"
exec "$venv/bin/python" "$here/e2e.py"
