#!/usr/bin/env bash
# Runs the end-to-end tests against a built trellis binary (default: the debug build).
# Creates (or reuses) the venv with the OpenTelemetry Python SDK from requirements.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv-e2e"
export TRELLIS_BIN="${TRELLIS_BIN:-$root/.build/debug/trellis}"

stamp="$venv/.requirements"
if [[ ! -x "$venv/bin/python" ]] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi
exec "$venv/bin/python" "$here/e2e.py"
