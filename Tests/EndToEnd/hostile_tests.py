"""The catalogue of hostile inputs (hostile/cases.json, bodies written by hostile/make_bodies.py):
each case is a request and the exact answer it must get from a live, storing Trellis. After the
catalogue the server is still up, a normal request still succeeds, and every span acknowledged
before the catalogue is in the archive after shutdown.

HOSTILE_RECORD=1 writes the answers the server gives into cases.json instead of checking them,
for a new case; review the diff before committing it."""
import urllib.parse

from harness import *

CATALOGUE = os.path.join(HERE, "hostile")
PORTS = {"otlp-http": "http", "otlp-grpc": "grpc", "zipkin": "zipkin", "jaeger-http": "jaeger_http",
         "jaeger-grpc": "jaeger_grpc", "query": "query"}


def answer(case, trellis):
    """What the server answered, in the catalogue's terms: HTTP status and body text (a protobuf
    OTLP answer decoded to its message), or the gRPC status and message."""
    body = b""
    if "body" in case:
        with open(os.path.join(CATALOGUE, case["body"]), "rb") as f:
            body = f.read()
    port = trellis.ports[PORTS[case["target"]]]
    if case["target"].endswith("grpc"):
        headers = H2(port).call(case["path"], body, tuple(case["headers"].items()))
        return {"grpc-status": headers.get("grpc-status"), "grpc-message": urllib.parse.unquote(headers.get("grpc-message", ""))}
    status, reply_headers, reply = http(case["method"], f"http://127.0.0.1:{port}{case['path']}", body if "body" in case else None, case["headers"])
    if reply_headers.get("Content-Type", "").startswith("application/x-protobuf"):
        from google.rpc import status_pb2
        from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
        if status == 200:
            partial = trace_service_pb2.ExportTraceServiceResponse.FromString(reply).partial_success
            return {"status": status, "rejected": partial.rejected_spans, "message": partial.error_message}
        return {"status": status, "message": status_pb2.Status.FromString(reply).message}
    return {"status": status, "body": reply.decode("utf-8", "replace").strip()}


def acknowledged_request(trace_hex, spans):
    body = json.dumps({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "before-the-catalogue"}}]},
                                          "scopeSpans": [{"spans": [{"traceId": trace_hex, "spanId": f"{0xA0 + i:016x}", "name": f"kept {i}",
                                                                     "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000001000000"}
                                                                    for i in range(spans)]}]}]}).encode()
    return body


@test
def every_hostile_input_gets_its_exact_answer_and_nothing_acknowledged_is_lost(t):
    with open(os.path.join(CATALOGUE, "cases.json")) as f:
        cases = json.load(f)
    assert len(cases) >= 60, len(cases)
    db = os.path.join(WORK, f"hostile-{free_port()}", "trellis.db")
    trellis = storing_trellis(db).start()
    record = os.environ.get("HOSTILE_RECORD") == "1"
    mismatches = []
    try:
        before = "1f" * 16
        status, _, body = http("POST", trellis.url("http", "/v1/traces"), acknowledged_request(before, 5), {"Content-Type": "application/json"})
        assert status == 200, (status, body)
        for case in cases:
            got = answer(case, trellis)
            assert trellis.process.poll() is None, f"trellis exited on {case['name']}: {trellis.output()[-2000:]}"
            if record:
                case["expect"] = got
            elif got != case["expect"]:
                mismatches.append((case["name"], case["expect"], got))
        after = "2f" * 16
        status, _, body = http("POST", trellis.url("http", "/v1/traces"), acknowledged_request(after, 1), {"Content-Type": "application/json"})
        assert status == 200, ("a normal request after the catalogue", status, body)
    finally:
        code = trellis.stop()
    assert code == 0, trellis.output()[-2000:]
    if record:
        with open(os.path.join(CATALOGUE, "cases.json"), "w") as f:
            json.dump(cases, f, indent=1, ensure_ascii=False)
            f.write("\n")
    assert not mismatches, "\n".join(f"{name}: expected {want}, got {got}" for name, want, got in mismatches)
    stored = {(trace, span) for _, _, _, trace, span, _ in archived_spans(db)}
    for trace, count in ((before, 5), (after, 1)):
        for i in range(count):
            assert (trace, f"{0xA0 + i:016x}") in stored, f"acknowledged span {trace}/{0xA0 + i:016x} is not in the archive"
