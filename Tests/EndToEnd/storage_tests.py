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
