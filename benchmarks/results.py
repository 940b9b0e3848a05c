#!/usr/bin/env python3
"""Renders benchmarks/RESULTS.md from benchmark JSON lines on stdin (one per line)."""
import json
import platform
import subprocess
import sys

command = sys.argv[1] if len(sys.argv) > 1 else "benchmarks/run.sh all"
rows = [json.loads(line) for line in sys.stdin if line.strip().startswith("{")]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()

print("# Benchmark results\n")
print(f"Machine: {cpu}, {cores} cores, {platform.system()} {platform.release()}. Commit: `{commit}`.")
print(f"Command: `{command}` (release builds, loopback only, load generator on the same machine).\n")
for row in rows:
    name = row.get("benchmark", "?") + (f" ({row['protocol']})" if "protocol" in row else "")
    figures = ", ".join(f"`{k}` {v}" for k, v in row.items() if k not in ("benchmark", "protocol"))
    print(f"- **{name}**: {figures}")

# The issues' targets: (benchmark, protocol or None, figure, "min" or "max", threshold).
TARGETS = [
    ("otlp-decode", None, "ratio_to_raw", "min", 0.8),
    ("ingest-null", "grpc", "spans_per_sec", "min", 200000),
    ("pipeline", None, "ratio_to_ingest_null", "min", 0.7),
    ("pipeline", None, "buffered_to_wire_ratio", "max", 1.2),
    ("ingest-full", "grpc", "spans_per_sec", "min", 150000),
    ("ingest-full", "grpc", "p99_ms", "max", 50),
    ("ingest-full", "grpc", "spans_per_server_cpu_second", "min", 150000),
    ("ingest-full", "grpc", "spans_failed", "max", 0),
    ("ingest-full", "grpc", "peak_rss_mib", "max", 512),
    ("idle", None, "rss_mib", "max", 30),
    ("store", None, "write_spans_per_sec", "min", 200000),
    ("store", None, "get_trace_p99_ms", "max", 5),
    ("store", None, "ring_get_trace_p99_ms", "max", 0.5),
    ("store", None, "search_p99_ms", "max", 100),
    ("store", None, "disk_bytes_per_span", "max", 150),
    ("query", None, "get_trace_ring_p99_ms", "max", 0.5),
    ("query", None, "get_trace_archive_p99_ms", "max", 10),
    ("query", None, "timeline_p99_ms", "max", 10),
    ("query", None, "critical_path_p99_ms", "max", 10),
    ("query", None, "search_p99_ms", "max", 25),
    ("query", None, "dependencies_p99_ms", "max", 50),
    ("ui", None, "trace_1000_p50_ms", "max", 50),
    ("ui", None, "trace_1000_bytes", "max", 1000000),
    ("ui", None, "trace_10000_p50_ms", "max", 500),
    ("spanmetrics", "grpc", "throughput_cost_percent", "max", 10),
    ("overload", None, "peak_rss_mib", "max", 512),
    ("overload", None, "lost_acknowledged_spans", "max", 0),
    ("overload", None, "spans_failed", "max", 0),
]
checked = []
for name, protocol, key, kind, threshold in TARGETS:
    for row in rows:
        if row.get("benchmark") == name and (protocol is None or row.get("protocol") == protocol) and row.get(key) is not None:
            value = row[key]
            met = value >= threshold if kind == "min" else value <= threshold
            label = name + (f" ({protocol})" if protocol else "")
            checked.append(f"| {label} | `{key}` | {'≥' if kind == 'min' else '≤'} {threshold} | {value} | {'met' if met else '**missed**'} |")
if checked:
    print("\n## Targets\n\n| benchmark | figure | target | measured | |\n| --- | --- | --- | --- | --- |")
    print("\n".join(checked))
print("\nRaw lines:\n\n```")
for row in rows:
    print(json.dumps(row, separators=(",", ":")))
print("```")
