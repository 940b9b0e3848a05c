#!/usr/bin/env python3
"""The tiers' cost: a gateway Trellis (OTLP in, loadbalancing by trace ID) in front of SAMPLERS
sampler Trellis processes (the ingest-full pipeline: memory_limiter, tail sampling, batch, ring +
the archive on one ClickHouse server, spanmetrics), loaded by `trellis loadgen` over gRPC for
DURATION. Every process shares this machine's cores, so the figures are spans per CPU-second of
each tier (user + system time from /proc/PID/stat), not wall-clock rates; ClickHouse's CPU is
measured the same way, and its insert rate is the spans it stored per second of the run.
Prints one JSON line.

Usage: cluster.py TRELLIS_BINARY  (environment: SAMPLERS, default 3; DURATION, default 20s;
COMPRESSION, the gateway's, gzip (default) or none; PROFILE=gateway or PROFILE=sampler records
that process (the first sampler) with perf for 10 s mid-run into benchmarks/out/cluster-NAME-flat.txt)
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TRELLIS = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="trellis-cluster-bench-")
HZ = os.sysconf("SC_CLK_TCK")


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def start(name, body):
    grpc, query = free_ports(2)
    path = os.path.join(WORK, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(f"receivers: {{ otlp: {{ protocols: {{ grpc: {{ endpoint: 127.0.0.1:{grpc} }} }} }} }}\n{body}\nquery: {{ endpoint: 127.0.0.1:{query} }}\n")
    process = subprocess.Popen([TRELLIS, "serve", "--config", path], stdout=open(path + ".log", "w"), stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{query}/readyz", timeout=1)
            return process, grpc, query
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not become ready: {open(path + '.log').read()[-2000:]}")


def cpu_seconds(process):
    with open(f"/proc/{process.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def metric(query, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{query}/metrics", timeout=5).read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{") or line.startswith(name + " "))


def clickhouse():
    """A ClickHouse server on free ports (scripts/clickhouse-node, stopped if this process dies),
    with the archive's schema; returns (script process, server PID, endpoint)."""
    http_port, tcp_port = free_ports(2)
    script = subprocess.Popen(["scripts/clickhouse-node", os.path.join(WORK, "clickhouse"), str(http_port), str(tcp_port)],
                              env=dict(os.environ, WATCH_PID=str(os.getpid())), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{http_port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(endpoint + "/ping", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    server = int(subprocess.run(["pgrep", "-P", str(script.pid), "-f", "clickhouse-server"], capture_output=True, text=True).stdout.split()[0])
    return script, server, endpoint


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def main():
    count = int(os.environ.get("SAMPLERS", "3"))
    clickhouse_script, clickhouse_pid, endpoint = clickhouse()
    sampler_body = """processors:
  memory_limiter: { check_interval: 1s, limit_mib: 512, spike_limit_mib: 128 }
  tail_sampling: { decision_wait: 2s, num_traces: 100000, policies: [{ name: keep-all, type: always_sample }] }
  batch: { send_batch_size: 8192, timeout: 200ms }
exporters:
  trellis_store: { ring: { max_bytes: 128MiB }, archive: { retention: 168h, clickhouse: { endpoint: "%s" } } }
connectors: { spanmetrics: {} }
service:
  pipelines:
    traces: { receivers: [otlp], processors: [memory_limiter, tail_sampling, batch], exporters: [trellis_store] }
    traces/spanmetrics: { receivers: [otlp], exporters: [spanmetrics] }"""
    config = os.path.join(WORK, "migrate.yaml")
    with open(config, "w") as f:
        f.write(sampler_body % endpoint + "\nreceivers: { otlp: { protocols: { grpc: {} } } }\n")
    subprocess.run([TRELLIS, "clickhouse", "migrate", "--config", config], check=True, capture_output=True)
    samplers = [start(f"sampler-{i}", sampler_body % endpoint) for i in range(count)]
    hostnames = ", ".join(f"127.0.0.1:{grpc}" for _, grpc, _ in samplers)
    gateway = start("gateway", f"""exporters:
  loadbalancing:
    protocol: {{ otlp: {{ compression: {os.environ.get("COMPRESSION", "gzip")}, retry_on_failure: {{ initial_interval: 100ms, max_interval: 1s, max_elapsed_time: 5s }} }} }}
    resolver: {{ static: {{ hostnames: [{hostnames}] }} }}
service: {{ pipelines: {{ traces: {{ receivers: [otlp], exporters: [loadbalancing] }} }} }}""")
    everyone = [gateway] + samplers
    before = [cpu_seconds(p) for p, _, _ in everyone]
    clickhouse_before = process_cpu_seconds(clickhouse_pid)
    started = time.time()
    load = subprocess.Popen([TRELLIS, "loadgen", "--endpoint", f"http://127.0.0.1:{gateway[1]}", "--json", "--duration", os.environ.get("DURATION", "20s"),
                             "--connections", "2", "--concurrency", "16", "--spans-per-request", "100", "--spans-per-trace", "10"],
                            stdout=subprocess.PIPE, text=True)
    profiled = os.environ.get("PROFILE", "")
    if profiled in ("gateway", "sampler"):
        time.sleep(5)
        os.makedirs("benchmarks/out", exist_ok=True)
        pid = (gateway if profiled == "gateway" else samplers[0])[0].pid
        data = f"benchmarks/out/cluster-{profiled}.perf"
        subprocess.run(["perf", "record", "-F", "499", "-g", "-p", str(pid), "-o", data, "--", "sleep", "10"], capture_output=True)
        report = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "--percent-limit", "0.7", "-g", "none"],
                                capture_output=True, text=True).stdout
        demangled = subprocess.run(["swift", "demangle", "--simplified"], input=report, capture_output=True, text=True).stdout
        with open(f"benchmarks/out/cluster-{profiled}-flat.txt", "w") as f:
            f.write(demangled)
    summary = json.loads(load.communicate()[0].strip().splitlines()[-1])
    deadline = time.time() + 30
    while time.time() < deadline and sum(metric(q, "trellis_exporter_sent_spans_total") for _, _, q in samplers) < summary["spans_accepted"]:
        time.sleep(0.5)
    used = [cpu_seconds(p) - b for (p, _, _), b in zip(everyone, before)]
    clickhouse_used = process_cpu_seconds(clickhouse_pid) - clickhouse_before
    elapsed = time.time() - started
    stored = sum(metric(q, "trellis_exporter_sent_spans_total") for _, _, q in samplers)
    for process, _, _ in everyone:
        process.send_signal(signal.SIGTERM)
    for process, _, _ in everyone:
        process.wait(timeout=60)
    clickhouse_script.send_signal(signal.SIGTERM)
    clickhouse_script.wait(timeout=60)
    shutil.rmtree(WORK, ignore_errors=True)
    accepted = summary["spans_accepted"]
    print(json.dumps({"benchmark": "cluster", "samplers": count, "spans_per_sec": summary["spans_per_sec"], "spans_accepted": accepted,
                      "spans_refused": summary["spans_refused"], "spans_failed": summary["spans_failed"], "spans_stored": int(stored),
                      "gateway_cpu_seconds": round(used[0], 2), "gateway_spans_per_cpu_second": round(accepted / used[0]) if used[0] else None,
                      "samplers_cpu_seconds": round(sum(used[1:]), 2),
                      "sampler_spans_per_cpu_second": round(stored / sum(used[1:])) if sum(used[1:]) else None,
                      "clickhouse_cpu_seconds": round(clickhouse_used, 2),
                      "clickhouse_spans_per_cpu_second": round(stored / clickhouse_used) if clickhouse_used else None,
                      "clickhouse_insert_spans_per_sec": round(stored / elapsed)}, separators=(",", ":")))


if __name__ == "__main__":
    main()
