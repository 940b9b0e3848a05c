#!/usr/bin/env python3
"""Measures the query API's latency on a filled `trellis serve`, client side, and prints one JSON line.

Usage: query_latency.py QUERY_PORT STORED_SPANS OLD_START_US OLD_END_US RECENT_START_US RECENT_END_US

The per-trace routes cycle through IDs of 50-span loadgen traces, half sent in the old window
(the start of the fill, evicted from the ring by the end of it) and half in the recent one;
get-trace is measured apart for each (`get_trace_ring`, `get_trace_archive`).
Every route gets a warm-up, then REQUESTS (default 300) sequential requests over one keep-alive
connection; p50 and p99 are nearest-rank over those requests.
"""
import http.client
import json
import math
import os
import sys
import time
import urllib.parse

SERVICE = "node-service"
# A route only loadgen's synthetic traces carry (the demo flows use /api/greeting, /api/chain and
# /api/simulate), on their SERVER spans; an indexed attribute of the archive.
TAG = {"http.route": "/api/orders"}
SPANS_PER_TRACE = 50
IDS_PER_WINDOW = 10
WARMUP = 20


def get(conn, path):
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"GET {path}: HTTP {response.status}: {body[:300]!r}")
    return body


def trace_ids(conn, start_us, end_us):
    """IDs of loadgen traces (SPANS_PER_TRACE spans) whose spans started in [start_us, end_us]."""
    query = urllib.parse.urlencode({"service": SERVICE, "tags": json.dumps(TAG), "start": start_us, "end": end_us,
                                    "limit": IDS_PER_WINDOW * 2})
    traces = json.loads(get(conn, f"/api/traces?{query}"))["data"]
    ids = [t["traceID"] for t in traces if len(t["spans"]) == SPANS_PER_TRACE][:IDS_PER_WINDOW]
    if not ids:
        sys.exit(f"no {SPANS_PER_TRACE}-span traces between {start_us} and {end_us} µs")
    return ids


def latencies_ms(conn, paths, requests):
    """Client-side milliseconds of `requests` sequential GETs cycling through `paths`, after a warm-up."""
    for i in range(WARMUP):
        get(conn, paths[i % len(paths)])
    out = []
    for i in range(requests):
        began = time.perf_counter()
        get(conn, paths[i % len(paths)])
        out.append((time.perf_counter() - began) * 1000)
    return sorted(out)


def percentile(sorted_ms, fraction):
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    return round(sorted_ms[max(0, math.ceil(fraction * len(sorted_ms)) - 1)], 2)


def main():
    port, stored_spans = int(sys.argv[1]), int(sys.argv[2])
    old_start, old_end, recent_start, recent_end = (int(v) for v in sys.argv[3:7])
    requests = int(os.environ.get("REQUESTS", "300"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    old, recent = trace_ids(conn, old_start, old_end), trace_ids(conn, recent_start, recent_end)
    ids = [i for pair in zip(old, recent) for i in pair]
    now_ms = int(time.time() * 1000)
    routes = {
        # Recent traces are held whole by the ring and answered from it alone; old ones come from the archive.
        "get_trace_ring": [f"/api/traces/{i}" for i in recent],
        "get_trace_archive": [f"/api/traces/{i}" for i in old],
        "search": ["/api/traces?" + urllib.parse.urlencode({"service": SERVICE, "tags": json.dumps(TAG), "limit": 20})],
        "timeline": [f"/api/traces/{i}/timeline" for i in ids],
        "critical_path": [f"/api/traces/{i}/critical-path" for i in ids],
        "dependencies": [f"/api/dependencies?endTs={now_ms}&lookback=86400000"],
        "dependency_graph": ["/api/dependencies/graph"],
    }
    result = {"benchmark": "query", "stored_spans": stored_spans}
    for name, paths in routes.items():
        ms = latencies_ms(conn, paths, requests)
        result[f"{name}_p50_ms"], result[f"{name}_p99_ms"] = percentile(ms, 0.5), percentile(ms, 0.99)
    print(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    main()
