#!/usr/bin/env bash
# Runs the end-to-end tests against a built trellis binary (default: the debug build).
# Creates (or reuses) the venv with the OpenTelemetry Python SDK from requirements.txt, and the
# Jaeger client's venv from jaeger-client/requirements.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv-e2e"
export TRELLIS_BIN="${TRELLIS_BIN:-$root/.build/debug/trellis}"

"$root/scripts/venv" "$venv" "$here/requirements.txt"
# The Jaeger exporters need an older protobuf than the SDK above: a venv of their own.
"$root/scripts/venv" "$root/.venv-jaeger" "$here/jaeger-client/requirements.txt"
export JAEGER_PYTHON="$root/.venv-jaeger/bin/python"
exec "$venv/bin/python" "$here/e2e.py"
