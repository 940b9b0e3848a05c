#!/usr/bin/env bash
# Runs a benchmark from a release build and prints one JSON line per figure set.
#   benchmarks/run.sh decode        OTLP decode throughput against libprotobuf-c's raw unpack
#   benchmarks/run.sh ingest-null   receivers into a counting sink, loaded by `trellis loadgen` (gRPC, http/protobuf)
#   benchmarks/run.sh pipeline      memory limiter + tail sampling (production policies) + batch into the sink, over gRPC
#   benchmarks/run.sh ingest-full   the default config (ring + SQLite archive, spanmetrics), gRPC and http/protobuf
#   benchmarks/run.sh spanmetrics   ingest-full over gRPC with and without the spanmetrics connector, twice each, in turn
#   benchmarks/run.sh cluster       a loadbalancing gateway in front of 1, then 3, samplers into ClickHouse: spans per CPU-second of each tier; get-trace/search on 10M spans in ClickHouse
#   benchmarks/run.sh query         query API latency (get-trace, search, timeline, critical path, dependencies) over ~1M stored spans
#   benchmarks/run.sh ui            web UI page time and bytes: search (20 results) and 100/1,000/10,000-span trace pages over ~1M stored spans
#   benchmarks/run.sh overload      3x the sustainable gRPC rate for 60 s: peak RSS, refusals, archive count = acknowledged
#   benchmarks/run.sh soak          50 % of the sustainable rate for 10 minutes: RSS and p99 at the start and the end
#   benchmarks/run.sh store         the trace store: archive write throughput, get-trace and search latency, bytes per span
#   benchmarks/run.sh idle          resident memory of the default config right after start, before any span
#   (QUERY_PROFILE=1 benchmarks/run.sh query also records perf on the server while the queries run:
#    benchmarks/out/query-{inclusive,flat,threads}.txt)
#   benchmarks/run.sh profile       perf profile of the server during an ingest-full gRPC run (needs perf: Debian's linux-perf);
#                                   writes benchmarks/out/profile-{inclusive,flat,threads}.txt
#   benchmarks/run.sh fuzz          every libFuzzer target for FUZZ_SECONDS (default 600) each (scripts/fuzz)
#   benchmarks/run.sh all           every benchmark above, in turn; rewrites benchmarks/RESULTS.md
# Environment: DURATION (ingest runs, default 20s), CONNECTIONS (2), CONCURRENCY (16), SUSTAINABLE (spans/s for
# overload and soak; measured by an ingest-full run when unset), OVERLOAD_SECONDS (60), SOAK_MINUTES (10);
# TRELLIS_BENCH_STORE_SPANS (store: spans in the archive for reads, default 10000000),
# TRELLIS_BENCH_STORE_WRITERS (store: concurrent writers of 100-span batches, default 4);
# QUERY_BENCH_SPANS (spans to store before the query benchmark, 1000000), REQUESTS (per query route, 300).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/install-deps >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# release_build PRODUCT: the release build `make release` makes (the Swift runtime linked in, as
# in the container image), so every figure is of the binary users run.
release_build() { swift build -c release --static-swift-stdlib --product "$1" >&2; }

bench_decode() {
    release_build trellis-bench
    .build/release/trellis-bench decode
}

bench_store() {
    release_build trellis-bench
    .build/release/trellis-bench store
}

# serve_start CONFIG: starts `trellis serve` on fresh ports; sets SERVE_PID and the TRELLIS_BENCH_*_PORT variables.
serve_start() {
    export TRELLIS_BENCH_GRPC_PORT="$(free_port)" TRELLIS_BENCH_HTTP_PORT="$(free_port)" TRELLIS_BENCH_QUERY_PORT="$(free_port)"
    export TRELLIS_BENCH_DATA; TRELLIS_BENCH_DATA="$(mktemp -d)"
    SERVE_LOG="$(mktemp)"
    .build/release/trellis serve --config "$1" >"$SERVE_LOG" 2>&1 &
    SERVE_PID=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$TRELLIS_BENCH_QUERY_PORT/readyz" >/dev/null && return 0; sleep 0.1; done
    echo "trellis serve did not become ready:" >&2; cat "$SERVE_LOG" >&2; return 1
}

serve_stop() { kill -TERM "$SERVE_PID"; wait "$SERVE_PID" || true; }

# archived_spans: the spans in the stopped server's SQLite archive.
archived_spans() {
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT coalesce(sum(span_count), 0) FROM chunks").fetchone()[0])' \
        "$TRELLIS_BENCH_DATA/trellis.db"
}

# rss_kib FIELD: VmHWM (peak) or VmRSS (current) of the server, in KiB.
rss_kib() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$SERVE_PID/status"; }

# cpu_ticks: user + system CPU time the server has used, in clock ticks (/proc/PID/stat fields 14 and 15).
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$SERVE_PID/stat"; }

# metric NAME: the sum of a Prometheus metric's samples on the running server.
metric() {
    curl -sf "http://127.0.0.1:$TRELLIS_BENCH_QUERY_PORT/metrics" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $2} END {printf "%d\n", s}'
}

# load PROTOCOL [loadgen options...]: runs `trellis loadgen` against the server, prints its JSON summary.
load() {
    local protocol="$1"; shift
    local endpoint="http://127.0.0.1:$TRELLIS_BENCH_GRPC_PORT"
    [[ "$protocol" == grpc ]] || endpoint="http://127.0.0.1:$TRELLIS_BENCH_HTTP_PORT"
    .build/release/trellis loadgen --endpoint "$endpoint" --protocol "$protocol" --spans-per-request 100 --json "$@" | tail -1
}

# ingest_run NAME CONFIG PROTOCOL: a full-speed load for DURATION; prints one JSON line.
ingest_run() {
    local name="$1" config="$2" protocol="$3"
    serve_start "$config"
    local ticks_before; ticks_before="$(cpu_ticks)"
    local result; result="$(load "$protocol" --duration "${DURATION:-20s}" --connections "${CONNECTIONS:-2}" --concurrency "${CONCURRENCY:-16}")" || true
    local ticks_after; ticks_after="$(cpu_ticks)"
    local peak_kib; peak_kib="$(rss_kib VmHWM)"
    serve_stop
    python3 - "$name" "$protocol" "$peak_kib" "$result" "$(( ticks_after - ticks_before ))" "$(getconf CLK_TCK)" <<'PY'
import json, sys
name, protocol, peak_kib, result, ticks, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
r = json.loads(result)
cpu = ticks / hz
print(json.dumps({"benchmark": name, "protocol": protocol, "spans_per_sec": r["spans_per_sec"], "p99_ms": r["p99_ms"],
                  "peak_rss_mib": round(peak_kib / 1024, 1), "spans_accepted": r["spans_accepted"],
                  "spans_refused": r["spans_refused"], "spans_failed": r["spans_failed"],
                  "server_cpu_seconds": round(cpu, 2),
                  "spans_per_server_cpu_second": round(r["spans_accepted"] / cpu) if cpu > 0 else None}, separators=(",", ":")))
PY
}

bench_ingest_null() {
    release_build trellis
    ingest_run ingest-null benchmarks/configs/ingest-null.yaml grpc
    ingest_run ingest-null benchmarks/configs/ingest-null.yaml http/protobuf
}

# growth_after_load CONFIG: starts the server, offers 400,000 spans at 100,000 spans/s over gRPC,
# prints "<resident KiB growth over the idle server> <buffered spans> <received bytes> <accepted spans>".
growth_after_load() {
    serve_start "$1"
    sleep 1
    local base_kib; base_kib="$(rss_kib VmRSS)"
    load grpc --duration 4s --rate 100000 --connections 2 --concurrency 8 >/dev/null
    sleep 1
    echo "$(( $(rss_kib VmRSS) - base_kib )) $(metric trellis_processor_tail_sampling_buffered_spans)" \
        "$(metric trellis_receiver_received_bytes_total) $(metric trellis_receiver_accepted_spans_total) $(metric trellis_pipeline_held_bytes)"
    serve_stop
}

# The pipeline against ingest-null over gRPC, then the tail sampler's memory per buffered span:
# the same 400,000 spans go to the pipeline with a decision wait longer than the run (every span
# stays buffered) and to ingest-null (nothing stays); the difference in resident-set growth over
# the buffered spans is what one buffered span costs, allocator slack included. Beside it,
# `accounted_bytes_per_span`: what the pipeline's own accounting (`trellis_pipeline_held_bytes`,
# the footprints of what it holds) counts per buffered span.
bench_pipeline() {
    release_build trellis
    local null; null="$(ingest_run ingest-null benchmarks/configs/ingest-null.yaml grpc)"
    local piped; piped="$(TRELLIS_BENCH_DECISION_WAIT=2s ingest_run pipeline benchmarks/configs/pipeline.yaml grpc)"
    local held; held="$(TRELLIS_BENCH_DECISION_WAIT=10m growth_after_load benchmarks/configs/pipeline.yaml)"
    local passed; passed="$(growth_after_load benchmarks/configs/ingest-null.yaml)"
    python3 - "$null" "$piped" "$held" "$passed" <<'PY'
import json, sys
null, piped = json.loads(sys.argv[1]), json.loads(sys.argv[2])
held_kib, buffered, received, accepted, accounted = (int(v) for v in sys.argv[3].split())
passed_kib = int(sys.argv[4].split()[0])
per_span = (held_kib - passed_kib) * 1024 / buffered if buffered else None
wire = received / accepted if accepted else None
print(json.dumps({"benchmark": "pipeline", "spans_per_sec": piped["spans_per_sec"],
                  "ratio_to_ingest_null": round(piped["spans_per_sec"] / null["spans_per_sec"], 3),
                  "ingest_null_spans_per_sec": null["spans_per_sec"], "p99_ms": piped["p99_ms"], "peak_rss_mib": piped["peak_rss_mib"],
                  "spans_refused": piped["spans_refused"], "spans_failed": piped["spans_failed"],
                  "buffered_spans": buffered, "buffered_bytes_per_span": round(per_span, 1) if per_span else None,
                  "wire_bytes_per_span": round(wire, 1) if wire else None,
                  "accounted_bytes_per_span": round(accounted / buffered, 1) if buffered else None,
                  "buffered_to_wire_ratio": round(per_span / wire, 2) if per_span and wire else None}, separators=(",", ":")))
PY
}

bench_ingest_full() {
    release_build trellis
    ingest_run ingest-full benchmarks/configs/ingest-full.yaml grpc
    ingest_run ingest-full benchmarks/configs/ingest-full.yaml http/protobuf
}

# ingest-full over gRPC with the spanmetrics connector (as the default config) and without it
# (the same config with its traces/spanmetrics pipeline taken out), in turn, twice each; prints
# both rates and the connector's cost in throughput and in spans per server CPU-second.
bench_spanmetrics() {
    release_build trellis
    local without; without="$(mktemp --suffix=.yaml)"
    python3 - benchmarks/configs/ingest-full.yaml "$without" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
out, skip = [], False
for line in lines:
    if line.startswith("connectors:") or line.strip().startswith("traces/spanmetrics:"):
        skip = True
        continue
    if skip and (line.startswith("  ") and not line.startswith("    traces:") and not line.startswith("  pipelines")):
        continue
    skip = False
    out.append(line)
open(sys.argv[2], "w").write("\n".join(out))
PY
    local runs=()
    for _ in 1 2; do
        runs+=("$(ingest_run ingest-full-spanmetrics benchmarks/configs/ingest-full.yaml grpc)")
        runs+=("$(ingest_run ingest-full-no-spanmetrics "$without" grpc)")
    done
    rm -f "$without"
    python3 - "${runs[@]}" <<'PY'
import json, sys
runs = [json.loads(r) for r in sys.argv[1:]]
def mean(name, key): 
    values = [r[key] for r in runs if r["benchmark"] == name]
    return sum(values) / len(values)
on, off = mean("ingest-full-spanmetrics", "spans_per_sec"), mean("ingest-full-no-spanmetrics", "spans_per_sec")
on_cpu, off_cpu = mean("ingest-full-spanmetrics", "spans_per_server_cpu_second"), mean("ingest-full-no-spanmetrics", "spans_per_server_cpu_second")
print(json.dumps({"benchmark": "spanmetrics", "protocol": "grpc", "spans_per_sec_with": round(on), "spans_per_sec_without": round(off),
                  "throughput_cost_percent": round((off - on) / off * 100, 1),
                  "spans_per_cpu_second_with": round(on_cpu), "spans_per_cpu_second_without": round(off_cpu),
                  "cpu_cost_percent": round((off_cpu - on_cpu) / off_cpu * 100, 1), "runs": len(runs)}, separators=(",", ":")))
PY
}

# A gateway (loadbalancing by trace ID) in front of 1 and then 3 samplers (the ingest-full pipeline
# into the archive on ClickHouse), gRPC: spans per CPU-second of each tier and ClickHouse's insert
# rate (benchmarks/cluster.py); then the ClickHouse archive alone, filled with
# TRELLIS_BENCH_STORE_SPANS spans (default 10 M): get-trace and search latency (trellis-bench).
bench_cluster() {
    release_build trellis
    release_build trellis-bench
    SAMPLERS=1 python3 benchmarks/cluster.py .build/release/trellis
    SAMPLERS=3 python3 benchmarks/cluster.py .build/release/trellis
    local dir ports
    dir="$(mktemp -d)"
    read -r -a ports < <(python3 -c 'import socket; s=[socket.socket() for _ in range(2)]; [x.bind(("127.0.0.1", 0)) for x in s]; print(*[x.getsockname()[1] for x in s])')
    WATCH_PID=$$ REMOVE_DIR=1 scripts/clickhouse-node "$dir/clickhouse" "${ports[0]}" "${ports[1]}" &
    local node=$!
    until curl -sf "http://127.0.0.1:${ports[0]}/ping" >/dev/null; do sleep 0.2; done
    .build/release/trellis-bench store-clickhouse "http://127.0.0.1:${ports[0]}"
    kill "$node"
    wait "$node"
    rm -rf "$dir"
}

# The default config's sustainable gRPC rate: SUSTAINABLE, or an ingest-full run's figure.
sustainable_rate() {
    if [[ -n "${SUSTAINABLE:-}" ]]; then echo "$SUSTAINABLE"; return; fi
    ingest_run ingest-full benchmarks/configs/ingest-full.yaml grpc | python3 -c 'import json, sys; print(int(json.load(sys.stdin)["spans_per_sec"]))'
}

# Three times the sustainable rate for OVERLOAD_SECONDS: the memory limiter must refuse retryably,
# RSS must stay under limit_mib (512), and every acknowledged span must be in the archive after SIGTERM.
bench_overload() {
    release_build trellis
    local rate; rate="$(( $(sustainable_rate) * 3 ))"
    serve_start benchmarks/configs/ingest-full.yaml
    local result; result="$(load grpc --duration "${OVERLOAD_SECONDS:-60}s" --rate "$rate" --connections 4 --concurrency 64)" || true
    local peak_kib; peak_kib="$(rss_kib VmHWM)"
    serve_stop
    python3 - "$rate" "$peak_kib" "$result" "$(archived_spans)" <<'PY'
import json, sys
rate, peak_kib, r, archived = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
print(json.dumps({"benchmark": "overload", "offered_spans_per_sec": rate, "spans_per_sec": r["spans_per_sec"], "p99_ms": r["p99_ms"],
                  "peak_rss_mib": round(peak_kib / 1024, 1), "limit_mib": 512, "spans_accepted": r["spans_accepted"],
                  "spans_refused": r["spans_refused"], "spans_failed": r["spans_failed"], "archived_spans": archived,
                  "lost_acknowledged_spans": max(0, r["spans_accepted"] - archived)}, separators=(",", ":")))
PY
}

# Half the sustainable rate for SOAK_MINUTES, one loadgen run per minute (each its own seed, so no trace ID repeats): RSS and p99 of the
# first and the last minute show whether memory and latency stay flat.
bench_soak() {
    release_build trellis
    local rate; rate="$(( $(sustainable_rate) / 2 ))"
    serve_start benchmarks/configs/ingest-full.yaml
    local minutes="${SOAK_MINUTES:-10}" lines=""
    for minute in $(seq "$minutes"); do
        lines+="$(load grpc --duration 60s --rate "$rate" --connections 2 --concurrency 16 --seed "$minute") $(rss_kib VmRSS)"$'\n'
    done
    serve_stop
    python3 - "$rate" "$minutes" "$lines" "$(archived_spans)" <<'PY'
import json, sys
rate, minutes, archived = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[4])
runs = [(json.loads(line.rsplit(" ", 1)[0]), int(line.rsplit(" ", 1)[1])) for line in sys.argv[3].splitlines() if line.strip()]
(first, first_kib), (last, last_kib) = runs[0], runs[-1]
accepted = sum(r["spans_accepted"] for r, _ in runs)
print(json.dumps({"benchmark": "soak", "rate_spans_per_sec": rate, "minutes": minutes,
                  "p99_ms_start": first["p99_ms"], "p99_ms_end": last["p99_ms"],
                  "rss_mib_start": round(first_kib / 1024, 1), "rss_mib_end": round(last_kib / 1024, 1),
                  "spans_accepted": accepted, "spans_refused": sum(r["spans_refused"] for r, _ in runs),
                  "spans_failed": sum(r["spans_failed"] for r, _ in runs), "archived_spans": archived}, separators=(",", ":")))
PY
}

# now_us: the wall clock in microseconds, the unit of the search's start and end.
now_us() { python3 -c 'import time; print(int(time.time() * 1e6))'; }

# Fills the running server (the default config) with about QUERY_BENCH_SPANS (1,000,000) spans:
# the demo flows, then 50-span loadgen traces until the receivers have accepted enough; sets
# old_start, old_end, recent_start and recent_end (µs) around the first and the last loadgen runs.
# The first second of loadgen traces are the old ones: the ring is full within 440,000 spans, so
# they are evicted by the end. Loadgen runs are paced at 40,000 spans/s, about what the archive
# commits: at full speed the tail sampler buffers hundreds of MiB and the process RSS passes the
# memory limiter's 512 MiB, after which it refuses everything. Each run has its own seed, so no
# trace ID repeats.
fill_store() {
    local target="${QUERY_BENCH_SPANS:-1000000}" grpc="http://127.0.0.1:$TRELLIS_BENCH_GRPC_PORT"
    .build/release/trellis demo --endpoint "$grpc" --rate 400 --duration 5s >&2
    local seed=1 duration=1s accepted
    old_start="$(now_us)" old_end=""
    while (( (accepted = $(metric trellis_receiver_accepted_spans_total)) < target )); do
        recent_start="$(now_us)"
        load grpc --spans-per-trace 50 --seed "$seed" --duration "$duration" --rate 40000 --connections 2 --concurrency 16 >&2 || true
        [[ -n "$old_end" ]] || old_end="$(now_us)"
        if (( $(metric trellis_receiver_accepted_spans_total) == accepted )); then
            echo "fill: the server accepts no more spans (memory limiter); measuring with $accepted" >&2
            break
        fi
        seed=$(( seed + 1 )) duration=5s
    done
    recent_end="$(now_us)"
    wait_stored
}

# Tail sampling keeps every trace, so the store is complete when it has sent every accepted span.
wait_stored() {
    for _ in $(seq 120); do
        (( $(metric trellis_exporter_sent_spans_total) < $(metric trellis_receiver_accepted_spans_total) )) || break
        sleep 0.5
    done
}

# The query API's latency over the filled store: query_latency.py times each route.
bench_query() {
    release_build trellis
    serve_start benchmarks/configs/ingest-full.yaml
    local old_start old_end recent_start recent_end
    fill_store
    local recorder=""
    if [[ -n "${QUERY_PROFILE:-}" ]]; then
        mkdir -p benchmarks/out
        perf record -F 999 -g -p "$SERVE_PID" -o benchmarks/out/query-perf.data >/dev/null 2>&1 &
        recorder=$!
    fi
    python3 benchmarks/query_latency.py "$TRELLIS_BENCH_QUERY_PORT" "$(metric trellis_exporter_sent_spans_total)" \
        "$old_start" "$old_end" "$recent_start" "$recent_end"
    if [[ -n "$recorder" ]]; then
        kill -INT "$recorder"
        wait "$recorder" || true
        perf_reports benchmarks/out/query-perf.data query
    fi
    serve_stop
}

# The web UI's pages over about QUERY_BENCH_SPANS stored spans: the search page with 20 results,
# and the trace page of a 100-, a 1,000- and a 10,000-span trace (sent after the fill); server
# time (client side, loopback) and bytes before gzip (benchmarks/ui_latency.py).
bench_ui() {
    release_build trellis
    serve_start benchmarks/configs/ingest-full.yaml
    local old_start old_end recent_start recent_end big_start
    fill_store
    big_start="$(now_us)"
    for spans in 100 1000 10000; do
        # A trace's spans go in one request: loadgen's traces never span requests.
        load grpc --spans-per-request "$spans" --spans-per-trace "$spans" --seed "$(( 9000 + spans ))" --duration 1s --rate "$spans" \
            --connections 1 --concurrency 1 >&2 || true
    done
    wait_stored
    python3 benchmarks/ui_latency.py "$TRELLIS_BENCH_QUERY_PORT" "$(metric trellis_exporter_sent_spans_total)" "$big_start" "$(now_us)"
    serve_stop
}

# The default configuration's resident memory two seconds after start, with nothing received.
bench_idle() {
    release_build trellis
    serve_start benchmarks/configs/ingest-full.yaml
    sleep 2
    local kib; kib="$(rss_kib VmRSS)"
    serve_stop
    echo "{\"benchmark\":\"idle\",\"rss_mib\":$(python3 -c "print(round($kib / 1024, 1))")}"
}

# `perf record` on the server for 15 s in the middle of a 25 s ingest-full gRPC load (software clock sampling
# at 499 Hz with call graphs); reports with Swift names demangled, and the loadgen summary on stdout.
bench_profile() {
    command -v perf >/dev/null || { echo "profile needs perf (apt-get install linux-perf)" >&2; return 1; }
    release_build trellis
    mkdir -p benchmarks/out
    serve_start benchmarks/configs/ingest-full.yaml
    load grpc --duration 25s --connections "${CONNECTIONS:-2}" --concurrency "${CONCURRENCY:-16}" > benchmarks/out/profile-load.json &
    local loader=$!
    sleep 6
    perf record -F 499 -g -p "$SERVE_PID" -o benchmarks/out/perf.data -- sleep 15 >/dev/null 2>&1
    wait "$loader" || true
    serve_stop
    perf_reports benchmarks/out/perf.data profile
    cat benchmarks/out/profile-load.json
}

# perf_reports DATA NAME: benchmarks/out/NAME-{inclusive,flat,threads}.txt from a perf recording, Swift names demangled.
perf_reports() {
    perf report -i "$1" --stdio --children --percent-limit 2 -g none 2>/dev/null | swift demangle --simplified > "benchmarks/out/$2-inclusive.txt"
    perf report -i "$1" --stdio --no-children --percent-limit 0.7 -g none 2>/dev/null | swift demangle --simplified > "benchmarks/out/$2-flat.txt"
    perf report -i "$1" --stdio --no-children --sort comm 2>/dev/null > "benchmarks/out/$2-threads.txt"
}

# Runs everything and rewrites benchmarks/RESULTS.md from the JSON lines (also printed).
bench_all() {
    local lines; lines="$( { bench_decode; bench_idle; bench_ingest_null; bench_pipeline; bench_ingest_full; bench_spanmetrics; bench_query; bench_ui; bench_store; bench_overload; bench_soak; } | tee /dev/stderr )"
    python3 benchmarks/results.py "benchmarks/run.sh all" <<<"$lines" > benchmarks/RESULTS.md
}

case "${1:-}" in
    decode) bench_decode ;;
    ingest-null) bench_ingest_null ;;
    pipeline) bench_pipeline ;;
    ingest-full) bench_ingest_full ;;
    spanmetrics) bench_spanmetrics ;;
    cluster) bench_cluster ;;
    query) bench_query ;;
    ui) bench_ui ;;
    overload) bench_overload ;;
    soak) bench_soak ;;
    store) bench_store ;;
    idle) bench_idle ;;
    profile) bench_profile ;;
    fuzz) scripts/fuzz all "${FUZZ_SECONDS:-600}" ;;
    all) bench_all ;;
    *) echo "usage: benchmarks/run.sh decode|idle|ingest-null|pipeline|ingest-full|spanmetrics|cluster|query|ui|store|overload|soak|profile|fuzz|all" >&2; exit 2 ;;
esac
