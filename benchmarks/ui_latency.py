#!/usr/bin/env python3
"""Times the web UI's pages on a filled `trellis serve`, client side over loopback, and prints one JSON line.

Usage: ui_latency.py QUERY_PORT STORED_SPANS BIG_START_US BIG_END_US

The search page asks for 20 traces of node-service over the last hour; the trace pages are those of
the 100-, 1,000- and 10,000-span loadgen traces sent between BIG_START_US and BIG_END_US (found
through /api/v3/trace-summaries). Each page gets a warm-up, then REQUESTS (default 30) sequential
requests over one keep-alive connection; p50 and p99 are nearest-rank; bytes are before gzip.
"""
import http.client
import json
import math
import os
import sys
import time
import urllib.parse

WARMUP = 3


def get(conn, path):
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"GET {path}: HTTP {response.status}: {body[:300]!r}")
    return body


def rfc3339(us):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(us / 1e6)) + "Z"


def timed(conn, path, requests, rows=None):
    """p50 and p99 of `requests` GETs of `path` (ms) and its size; with `rows`, the page must list that many traces."""
    for _ in range(WARMUP):
        body = get(conn, path)
    listed = body.count(b'<tr class="trace">')
    if rows is not None and listed != rows:
        sys.exit(f"GET {path}: {listed} traces listed, not {rows}")
    out = []
    for _ in range(requests):
        began = time.perf_counter()
        get(conn, path)
        out.append((time.perf_counter() - began) * 1000)
    out.sort()
    rank = lambda q: round(out[max(0, math.ceil(q * len(out)) - 1)], 2)
    return rank(0.5), rank(0.99), len(body)


def main():
    port, stored, start_us, end_us = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    requests = int(os.environ.get("REQUESTS", "30"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    query = urllib.parse.urlencode({"query.serviceName": "node-service", "query.startTimeMin": rfc3339(start_us - 1_000_000),
                                    "query.startTimeMax": rfc3339(end_us + 1_000_000), "query.searchDepth": 1000})
    summaries = json.loads(get(conn, f"/api/v3/trace-summaries?{query}"))["summaries"]
    result = {"benchmark": "ui", "stored_spans": stored}
    p50, p99, size = timed(conn, "/search?service=node-service&lookback=1h&limit=20", requests, rows=20)
    result.update(search_p50_ms=p50, search_p99_ms=p99, search_bytes=size)
    for spans in (100, 1000, 10000):
        found = [s["traceId"] for s in summaries if s["spanCount"] == spans]
        if not found:
            sys.exit(f"no {spans}-span trace between {start_us} and {end_us} µs: {[s['spanCount'] for s in summaries]}")
        p50, p99, size = timed(conn, f"/trace/{found[0]}", requests)
        result.update({f"trace_{spans}_p50_ms": p50, f"trace_{spans}_p99_ms": p99, f"trace_{spans}_bytes": size})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
