#!/usr/bin/env bash
# Runs a benchmark from a release build and prints one JSON line per figure set.
#   benchmarks/run.sh decode     OTLP decode throughput against libprotobuf-c's raw unpack
#   benchmarks/run.sh all        every benchmark above, in turn
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps >&2

bench_decode() {
    swift build -c release --product trellis-bench >&2
    .build/release/trellis-bench decode
}

case "${1:-}" in
    decode) bench_decode ;;
    all) bench_decode ;;
    *) echo "usage: benchmarks/run.sh decode|all" >&2; exit 2 ;;
esac
