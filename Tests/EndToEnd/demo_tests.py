"""`trellis demo`: the demo deployment's traces over OTLP/gRPC and OTLP/HTTP, counted by the
server, read back from the SQLite archive, and filtered by the production health-check policy."""
import re

from harness import *


def run_demo(*args):
    return subprocess.run([TRELLIS, "demo", *args], capture_output=True, text=True, timeout=90)


def summary_number(output, label, column=1):
    """The `column`-th number on the summary line starting with `label`."""
    match = re.search(rf"^  {re.escape(label)}\s+(\d+)(?:\s+(\d+))?", output, re.M)
    assert match, f"no '{label}' line in:\n{output}"
    return int(match.group(column))


def store_exporter():
    db = os.path.join(WORK, f"demo-{free_port()}", "trellis.db")
    return db, f"trellis_store: {{ ring: {{ max_bytes: 64MiB }}, archive: {{ path: {db}, retention: 24h }} }}"


def demo_is_accepted_in_full_and_archived(protocol, port, transport):
    db, store = store_exporter()
    own = Trellis(exporter=store, exporter_name="trellis_store").start()
    try:
        result = run_demo("--endpoint", own.url(port, ""), "--protocol", protocol, "--duration", "2s", "--rate", "40",
                          "--seed", "5", "--query-url", own.url("query", "/"))
        out = result.stdout
        assert result.returncode == 0, out + result.stderr
        sent = summary_number(out, "spans sent")
        assert sent > 0 and summary_number(out, "total", 2) == sent, out
        assert summary_number(out, "accepted") == sent and summary_number(out, "failed") == 0, out
        assert own.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport=transport) == sent
        example = re.search(r"GET /api/greeting\s+(\S+/api/traces/([0-9a-f]{32}))$", out, re.M)
        assert example and example.group(1).startswith(own.url("query", "/api/traces/")), out
        assert f"{example.group(1)}/timeline" in out and own.url("query", "/api/dependencies/graph") in out, out
        assert own.url("query", f"/trace/{example.group(2)}") + "  (web UI)" in out and own.url("query", "/dependencies?lookback=1h") in out, out
    finally:
        assert own.stop() == 0
    spans = archived_spans(db)
    assert len(spans) == sent, (len(spans), sent)
    assert {s[0] for s in spans} == {"node-service", "demo-service"}
    by_id = {s[4]: s for s in spans}
    greeting = [s for s in spans if s[3] == example.group(2)]
    assert sorted((s[0], s[1], s[2]) for s in greeting) == sorted([
        ("node-service", "GET /api/greeting", 2), ("node-service", "GET", 3),
        ("demo-service", "GET /api/greeting", 2), ("demo-service", "GreetingController.greeting", 1)]), greeting
    for s in greeting:
        assert s[5] == "" or by_id[s[5]][3] == s[3], s


@test
def demo_over_grpc_is_accepted_in_full_and_archived_with_both_services(t):
    demo_is_accepted_in_full_and_archived("grpc", "grpc", "grpc")


@test
def demo_over_http_protobuf_is_accepted_in_full_and_archived_with_both_services(t):
    demo_is_accepted_in_full_and_archived("http/protobuf", "http", "http")


@test
def demo_health_checks_are_dropped_by_the_production_http_route_policy(t):
    db, store = store_exporter()
    own = Trellis(exporter=store, exporter_name="trellis_store", processors="""
  tail_sampling:
    decision_wait: 500ms
    policies:
      - name: drop-health-checks
        type: drop
        drop:
          drop_sub_policy:
            - { name: health-routes, type: string_attribute, string_attribute: { key: http.route, values: ['/health', '/actuator/health'] } }
      - { name: keep-the-rest, type: always_sample }""", pipeline_processors="[tail_sampling]").start()
    try:
        result = run_demo("--endpoint", own.url("grpc", ""), "--duration", "2s", "--rate", "50", "--seed", "8")
        assert result.returncode == 0, result.stdout + result.stderr
        health = summary_number(result.stdout, "GET /health (node-service)", 2) + summary_number(result.stdout, "GET /actuator/health (demo-service)", 2)
        assert health > 0, result.stdout
    finally:
        assert own.stop() == 0
    names = [s[1] for s in archived_spans(db)]
    assert len(names) == summary_number(result.stdout, "spans sent") - health, (len(names), health, result.stdout)
    assert "GET /health" not in names and "GET /actuator/health" not in names
    assert "GET /api/greeting" in names


@test
def demo_to_an_endpoint_nobody_listens_on_fails_naming_it(t):
    port = free_port()
    result = run_demo("--endpoint", f"http://127.0.0.1:{port}", "--duration", "1s")
    assert result.returncode != 0
    assert f"trellis demo: cannot connect to 127.0.0.1:{port} (grpc)" in result.stdout, result.stdout
    bad = run_demo("--protocol", "carrier-pigeon")
    assert bad.returncode != 0 and "--protocol must be one of grpc, http/protobuf, http/json" in bad.stdout, bad.stdout
