"""The trellis_store exporter's durability: what the store acknowledged survives kill -9."""
import json
import os
import signal

from harness import *


def otlp_json_request(service, trace_number, spans):
    trace_id = f"{0xE2E0000000000000 + trace_number:016x}{trace_number:016x}"
    return json.dumps({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeSpans": [{"scope": {"name": "e2e"}, "spans": [
            {"traceId": trace_id, "spanId": f"{trace_number * 1000 + i + 1:016x}", "name": f"op-{i % 5}", "kind": 2,
             "startTimeUnixNano": str(1_700_000_000_000_000_000 + i * 1000), "endTimeUnixNano": str(1_700_000_000_100_000_000 + i * 1000),
             "attributes": [{"key": "http.route", "value": {"stringValue": f"/r/{i % 3}"}}]}
            for i in range(spans)]}]}]}).encode()


@test
def acknowledged_spans_survive_kill_9_with_the_archive_write_ahead_log(t):
    db = os.path.join(WORK, f"wal-{free_port()}", "trellis.db")
    store = f"trellis_store: {{ ring: {{ max_bytes: 64MiB }}, archive: {{ path: {db}, retention: 24h, wal: true }} }}"
    own = Trellis(exporter=store, exporter_name="trellis_store").start()
    sent = {}
    for n in range(40):
        status, _, body = http("POST", own.url("http", "/v1/traces"), otlp_json_request("wal-service", n + 1, 25),
                               {"Content-Type": "application/json"})
        assert status == 200, (status, body)
        sent.update({f"{(n + 1) * 1000 + i + 1:016x}": n + 1 for i in range(25)})
    # Acknowledged by the store: committed to the archive, and logged and fsynced.
    assert wait_until(lambda: own.metric("trellis_exporter_sent_spans_total") >= len(sent), timeout=20)
    assert os.path.exists(db + ".wal-log")
    own.process.send_signal(signal.SIGKILL)
    own.process.wait(timeout=30)
    own.log.close()

    again = Trellis(exporter=store, exporter_name="trellis_store").start()
    try:
        spans = archived_spans(db)
        stored = {s[4] for s in spans if s[0] == "wal-service"}
        assert stored == set(sent), f"{len(set(sent) - stored)} acknowledged spans missing"
        assert len(spans) == len(sent), "a span was stored twice"
        status, _, body = http("GET", again.url("query", "/readyz"))
        assert status == 200, (status, body)
    finally:
        assert again.stop() == 0
    assert "torn" not in again.output(), again.output()


def one_span_request(service, trace_id, span_id, parent_id, kind, start_ns, end_ns):
    span = {"traceId": trace_id, "spanId": span_id, "name": f"{service}-op", "kind": kind,
            "startTimeUnixNano": str(start_ns), "endTimeUnixNano": str(end_ns)}
    if parent_id:
        span["parentSpanId"] = parent_id
    return json.dumps({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeSpans": [{"scope": {"name": "e2e"}, "spans": [span]}]}]}).encode()


@test
def a_call_whose_client_and_server_spans_arrive_seconds_apart_is_one_edge_without_tail_sampling(t):
    db = os.path.join(WORK, f"pairing-{free_port()}", "trellis.db")
    own = Trellis(exporter=store_exporter(db), exporter_name="trellis_store").start()
    try:
        now = time.time_ns()
        trace = f"{0xE2E1000000000000:016x}{now:016x}"
        # node-service's CLIENT span first; demo-service's SERVER span, its child, two seconds later.
        for body in (one_span_request("node-service", trace, "00000000000000a1", None, 3, now, now + 50_000_000),
                     one_span_request("demo-service", trace, "00000000000000b1", "00000000000000a1", 2, now + 5_000_000, now + 45_000_000)):
            status, _, reply = http("POST", own.url("http", "/v1/traces"), body, {"Content-Type": "application/json"})
            assert status == 200, (status, reply)
            time.sleep(2)
        target = own.url("query", f"/api/dependencies?endTs={now // 1_000_000 + 60_000}&lookback=3600000")
        status, _, reply = http("GET", target)
        assert status == 200, (status, reply)
        assert json.loads(reply)["data"] == [{"parent": "node-service", "child": "demo-service", "callCount": 1}], reply
        assert own.metric("trellis_store_dependency_unpaired_spans_total") == 0
    finally:
        assert own.stop() == 0


def bulky_request(trace_number, spans):
    """A request whose spans carry 1 KiB of random hex each, so that gzip cannot shrink them."""
    trace_id = f"{0xD15C000000000000 + trace_number:016x}{trace_number:016x}"
    return json.dumps({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "disk-service"}}]},
        "scopeSpans": [{"scope": {"name": "e2e"}, "spans": [
            {"traceId": trace_id, "spanId": f"{trace_number * 1000 + i + 1:016x}", "name": "write", "kind": 1,
             "startTimeUnixNano": str(1_700_000_000_000_000_000 + i), "endTimeUnixNano": str(1_700_000_000_100_000_000 + i),
             "attributes": [{"key": "payload", "value": {"stringValue": os.urandom(512).hex()}}]}
            for i in range(spans)]}]}]}).encode()


@test
def a_full_disk_is_refused_retryably_reported_and_resumed_from_without_losing_acknowledged_spans(t):
    # A 1 MiB tmpfs holds the archive (mounting needs root: make test runs as root).
    assert os.geteuid() == 0, "this test mounts a small tmpfs and needs root"
    disk = os.path.join(WORK, f"small-disk-{free_port()}")
    os.makedirs(disk)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk], check=True)
    try:
        db = os.path.join(disk, "trellis.db")
        own = Trellis(exporter=f"trellis_store: {{ ring: {{ max_bytes: 64MiB }}, archive: {{ path: {db}, retention: 24h }} }}",
                      exporter_name="trellis_store").start()
        acknowledged, refusal = set(), None
        for n in range(1, 200):
            status, headers, body = http("POST", own.url("http", "/v1/traces"), bulky_request(n, 20), {"Content-Type": "application/json"})
            if status != 200:
                refusal = (status, headers, body)
                break
            acknowledged.update(f"{n * 1000 + i + 1:016x}" for i in range(20))
            time.sleep(0.05)
        assert refusal, "the archive's disk never filled"
        status, headers, body = refusal
        assert status == 503 and headers.get("Retry-After") == "5", refusal
        assert b"the collector cannot store data now (exporters.trellis_store: archive writes are failing" in body, body
        assert b"disk is full" in body, body
        status, _, body = http("GET", own.url("query", "/readyz"))
        assert status == 503 and b"not ready: exporters.trellis_store: archive writes are failing" in body, (status, body)
        assert own.metric("trellis_exporter_send_failed_spans_total") > 0

        # Room again: the writer's retries succeed, the gate opens by itself.
        subprocess.run(["mount", "-o", "remount,size=64m", disk], check=True)
        assert wait_until(lambda: http("GET", own.url("query", "/readyz"))[0] == 200, timeout=20), own.output()
        status, _, body = http("POST", own.url("http", "/v1/traces"), bulky_request(999, 20), {"Content-Type": "application/json"})
        assert status == 200, (status, body)
        acknowledged.update(f"{999 * 1000 + i + 1:016x}" for i in range(20))
        assert own.stop() == 0, own.output()
        stored = [s[4] for s in archived_spans(db) if s[0] == "disk-service"]
        assert set(stored) == acknowledged, f"{len(acknowledged - set(stored))} acknowledged spans missing"
        assert len(stored) == len(acknowledged), "a span was stored twice"
    finally:
        unmounted = subprocess.run(["umount", disk], capture_output=True)
        assert unmounted.returncode == 0, unmounted.stderr


@test
def an_archive_deleted_while_running_is_reported_and_new_data_refused(t):
    db = os.path.join(WORK, f"deleted-{free_port()}", "trellis.db")
    own = Trellis(exporter=f"trellis_store: {{ ring: {{ max_bytes: 64MiB }}, archive: {{ path: {db}, retention: 24h }} }}",
                  exporter_name="trellis_store").start()
    try:
        status, _, body = http("POST", own.url("http", "/v1/traces"), otlp_json_request("deleted-service", 1, 5), {"Content-Type": "application/json"})
        assert status == 200, (status, body)
        os.remove(db)
        # The store writer checks the file between writes, every 10 s.
        assert wait_until(lambda: http("GET", own.url("query", "/readyz"))[0] == 503, timeout=30), own.output()
        status, _, body = http("GET", own.url("query", "/readyz"))
        assert f"exporters.trellis_store.archive: the archive file {db} was deleted or replaced while Trellis runs".encode() in body, body
        status, headers, body = http("POST", own.url("http", "/v1/traces"), otlp_json_request("deleted-service", 2, 5), {"Content-Type": "application/json"})
        assert status == 503 and headers.get("Retry-After") == "5" and b"was deleted or replaced" in body, (status, body)
    finally:
        assert own.stop() == 0, own.output()
