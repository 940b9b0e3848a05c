#!/usr/bin/env bash
# Runs a benchmark from a release build and prints one JSON line per figure set.
#   benchmarks/run.sh decode        OTLP decode throughput against libprotobuf-c's raw unpack
#   benchmarks/run.sh ingest-null   receivers into a counting sink, loaded by `trellis loadgen` (gRPC, http/protobuf)
#   benchmarks/run.sh store         the trace store: archive write throughput, get-trace and search latency, bytes per span
#   benchmarks/run.sh all           every benchmark above, in turn; rewrites benchmarks/RESULTS.md
# Environment: DURATION (ingest runs, default 20s), CONNECTIONS (2), CONCURRENCY (16);
# TRELLIS_BENCH_STORE_SPANS (store: spans in the archive for reads, default 10000000),
# TRELLIS_BENCH_STORE_WRITERS (store: concurrent writers of 100-span batches, default 4).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

bench_decode() {
    swift build -c release --product trellis-bench >&2
    .build/release/trellis-bench decode
}

bench_store() {
    swift build -c release --product trellis-bench >&2
    .build/release/trellis-bench store
}

# Starts `trellis serve` on CONFIG with fresh ports, loads it over PROTOCOL, prints one JSON line.
ingest_run() {
    local name="$1" config="$2" protocol="$3"
    export TRELLIS_BENCH_GRPC_PORT="$(free_port)" TRELLIS_BENCH_HTTP_PORT="$(free_port)" TRELLIS_BENCH_QUERY_PORT="$(free_port)"
    local log; log="$(mktemp)"
    .build/release/trellis serve --config "$config" >"$log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$TRELLIS_BENCH_QUERY_PORT/readyz" >/dev/null && break; sleep 0.1; done
    local endpoint="http://127.0.0.1:$TRELLIS_BENCH_GRPC_PORT"
    [[ "$protocol" == grpc ]] || endpoint="http://127.0.0.1:$TRELLIS_BENCH_HTTP_PORT"
    local result
    result="$(.build/release/trellis loadgen --endpoint "$endpoint" --protocol "$protocol" --duration "${DURATION:-20s}" \
        --connections "${CONNECTIONS:-2}" --concurrency "${CONCURRENCY:-16}" --spans-per-request 100 --json)" || true
    local peak_kib; peak_kib="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
    kill -TERM "$pid"; wait "$pid" || true
    python3 - "$name" "$protocol" "$peak_kib" "$result" <<'PY'
import json, sys
name, protocol, peak_kib, result = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
r = json.loads(result.strip().splitlines()[-1])
print(json.dumps({"benchmark": name, "protocol": protocol, "spans_per_sec": r["spans_per_sec"], "p99_ms": r["p99_ms"],
                  "peak_rss_mib": round(peak_kib / 1024, 1), "spans_accepted": r["spans_accepted"],
                  "spans_refused": r["spans_refused"], "spans_failed": r["spans_failed"]}, separators=(",", ":")))
PY
}

bench_ingest_null() {
    swift build -c release --product trellis >&2
    ingest_run ingest-null benchmarks/configs/ingest-null.yaml grpc
    ingest_run ingest-null benchmarks/configs/ingest-null.yaml http/protobuf
}

# Runs everything and rewrites benchmarks/RESULTS.md from the JSON lines (also printed).
bench_all() {
    local lines; lines="$( { bench_decode; bench_ingest_null; bench_store; } | tee /dev/stderr )"
    python3 benchmarks/results.py "benchmarks/run.sh all" <<<"$lines" > benchmarks/RESULTS.md
}

case "${1:-}" in
    decode) bench_decode ;;
    ingest-null) bench_ingest_null ;;
    store) bench_store ;;
    all) bench_all ;;
    *) echo "usage: benchmarks/run.sh decode|ingest-null|store|all" >&2; exit 2 ;;
esac
