"""The other dialects the reference stack speaks, each from a real client or real bytes: the Jaeger
receiver's three transports fed by the OpenTelemetry SDK's Jaeger exporters, Zipkin protobuf
encoded by the Python protobuf package from the zipkin.proto written here, and the inputs real
fleets send (invalid UTF-8, blank names, missing times) on every receiver they apply to."""
import time

from harness import *

ROOT = os.path.dirname(os.path.dirname(HERE))
JAEGER_PYTHON = os.environ["JAEGER_PYTHON"]
_stack = {}


def storing():
    """One storing Trellis shared by this module's tests."""
    if "trellis" not in _stack:
        _stack["trellis"] = storing_trellis(os.path.join(WORK, f"dialects-{free_port()}", "trellis.db")).start()
    return _stack["trellis"]


def stored_trace(trellis, trace_id, spans):
    """The trace as Jaeger JSON once `spans` of it are stored (tail sampling holds it for its decision wait)."""
    found = {}

    def complete():
        status, _, body = http("GET", trellis.url("query", f"/api/traces/{trace_id}"))
        if status == 200:
            found["trace"] = json.loads(body)["data"][0]
            return len(found["trace"]["spans"]) == spans
        return False
    assert wait_until(complete, timeout=30), f"trace {trace_id} never had {spans} spans: {found}"
    return found["trace"]


def by_name(trace):
    return {s["operationName"]: s for s in trace["spans"]}


def tags(span):
    return {t["key"]: t["value"] for t in span["tags"]}


@test
def jaeger_client_traces_arrive_over_thrift_http_thrift_compact_and_grpc(t):
    trellis = storing()
    transports = {"thrift_http": ("jaeger_http", "0af7651916cd43dd8448eb211c800001"),
                  "thrift_compact": ("jaeger_udp", "0af7651916cd43dd8448eb211c800002"),
                  "grpc": ("jaeger_grpc", "0af7651916cd43dd8448eb211c800003")}
    for transport, (port, trace_id) in transports.items():
        sent = subprocess.run([JAEGER_PYTHON, os.path.join(HERE, "jaeger-client", "send.py"), transport,
                               f"127.0.0.1:{trellis.ports[port]}", trace_id], capture_output=True, text=True, timeout=60)
        assert sent.returncode == 0, (transport, sent.stdout, sent.stderr)
        assert wait_until(lambda: trellis.metric("trellis_receiver_accepted_spans_total", receiver="jaeger", transport=transport) == 2), \
            (transport, trellis.metrics())
        trace = stored_trace(trellis, trace_id, 2)
        spans = by_name(trace)
        root, child = spans["GET /probe"], spans["SELECT users"]
        assert trace["processes"][root["processID"]]["serviceName"] == "jaeger-probe", trace["processes"]
        assert root["references"] == [], root["references"]
        assert child["references"][0] == {"refType": "CHILD_OF", "traceID": trace_id, "spanID": root["spanID"]}, child["references"]
        assert child["references"][1] == {"refType": "FOLLOWS_FROM", "traceID": "4bf92f3577b34da6a3ce929d0e0e4736", "spanID": "fffffffffffffffe"}
        assert tags(root)["span.kind"] == "server" and tags(child)["span.kind"] == "client"
        assert (tags(root)["http.status_code"], tags(root)["probe.flag"], tags(root)["probe.ratio"]) == (200, True, 0.25), tags(root)
        assert tags(child)["otel.status_code"] == "ERROR" and tags(child)["error"] is True, tags(child)
        assert tags(child)["otel.status_description"] == "connection refused"
        assert tags(root)["otel.scope.name"] == "jaeger-probe-tracer", tags(root)
        event = {f["key"]: f["value"] for f in root["logs"][0]["fields"]}
        assert event == {"event": "cache.miss", "cache.key": "user:7", "attempt": 3}, event
        assert abs(root["startTime"] - 1_700_000_000_000_000) <= 1 and abs(root["duration"] - 10_000) <= 1, root
    assert trellis.metric("trellis_receiver_rejected_spans_total", receiver="jaeger") == 0


@test
def jaeger_receivers_refuse_bad_input_naming_what_was_wrong(t):
    status, _, body = http("POST", t.url("jaeger_http", "/api/traces"), b"\x0f\x00\x02\x0c\x00\x0f\x42\x40\x00\x00",
                           {"Content-Type": "application/x-thrift"})
    assert (status, body.decode().strip()) == (400, "invalid Thrift in batch.spans at byte 4: list size 1000000 is more than the 2 bytes left can hold"), body
    status, _, body = http("POST", t.url("jaeger_http", "/api/traces"), b"{}", {"Content-Type": "application/json"})
    assert status == 415 and "application/x-thrift" in body.decode(), body
    before = t.metric("trellis_receiver_failed_requests_total", receiver="jaeger", transport="thrift_compact", reason="bad_body")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(b"\x82\x81\x00\x09emitBatch\x1c\x1c\x18\xff", ("127.0.0.1", t.ports["jaeger_udp"]))
    assert wait_until(lambda: t.metric("trellis_receiver_failed_requests_total", receiver="jaeger", transport="thrift_compact", reason="bad_body") == before + 1)
    assert t.process.poll() is None


def zipkin_proto_classes():
    """ListOfSpans from proto/zipkin/proto3/zipkin.proto, through a descriptor set protoc-c writes."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    out = os.path.join(WORK, "zipkin.desc")
    subprocess.run(["protoc-c", f"--proto_path={ROOT}/proto", f"--descriptor_set_out={out}", "zipkin/proto3/zipkin.proto"], check=True)
    pool = descriptor_pool.DescriptorPool()
    for file in descriptor_pb2.FileDescriptorSet.FromString(open(out, "rb").read()).file:
        pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("zipkin.proto3.ListOfSpans"))


@test
def zipkin_protobuf_from_python_protobuf_is_stored_with_shared_spans_uniquified(t):
    trellis = storing()
    ListOfSpans = zipkin_proto_classes()
    trace = bytes.fromhex("5af7651916cd43dd8448eb211c80319c")
    now = int(time.time() * 1_000_000)
    body = ListOfSpans()
    client = body.spans.add(trace_id=trace, id=bytes.fromhex("00000000000000a1"), kind=1, name="get /users", timestamp=now, duration=900)
    client.local_endpoint.service_name = "frontend"
    client.remote_endpoint.service_name = "backend"
    server = body.spans.add(trace_id=trace, id=bytes.fromhex("00000000000000a1"), kind=2, name="get /users", timestamp=now + 10, duration=700, shared=True)
    server.local_endpoint.service_name = "backend"
    server.local_endpoint.ipv4 = bytes([10, 0, 0, 7])
    server.local_endpoint.port = 8080
    query = body.spans.add(trace_id=trace, parent_id=bytes.fromhex("00000000000000a1"), id=bytes.fromhex("00000000000000b2"),
                           kind=1, name="select", timestamp=now + 20, duration=300)
    query.local_endpoint.service_name = "backend"
    query.remote_endpoint.service_name = "postgres"
    query.tags["db.statement"] = "select 1"
    query.annotations.add(timestamp=now + 25, value="retry")
    status, _, reply = http("POST", trellis.url("zipkin", "/api/v2/spans"), body.SerializeToString(), {"Content-Type": "application/x-protobuf"})
    assert status == 202, (status, reply)
    stored = stored_trace(trellis, trace.hex(), 3)
    server_span = next(s for s in stored["spans"] if tags(s).get("span.kind") == "server")
    client_span = next(s for s in stored["spans"] if tags(s).get("span.kind") == "client" and s["operationName"] == "get /users")
    select = by_name(stored)["select"]
    assert server_span["spanID"] != client_span["spanID"]
    assert server_span["references"][0]["spanID"] == client_span["spanID"]
    assert select["references"][0]["spanID"] == server_span["spanID"], select["references"]
    assert (tags(server_span)["net.host.ip"], tags(server_span)["net.host.port"]) == ("10.0.0.7", 8080)
    assert tags(select)["db.statement"] == "select 1" and select["logs"][0]["fields"][0]["value"] == "retry"
    end_ms = now // 1000 + 60_000
    status, _, deps = http("GET", trellis.url("query", f"/api/dependencies?endTs={end_ms}&lookback=600000&service=frontend"))
    assert status == 200 and json.loads(deps)["data"] == [{"parent": "frontend", "child": "backend", "callCount": 1}], deps


def otlp_protobuf_request(spans):
    """ExportTraceServiceRequest bytes for [(span_id, parent_id, name_bytes, start, end)] of one trace. A name
    that is not UTF-8 goes in after serialising, over a placeholder of its length (the protobuf package
    refuses invalid UTF-8 in a string field); placeholders are replaced in span order."""
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    request = trace_service_pb2.ExportTraceServiceRequest()
    rs = request.resource_spans.add()
    rs.resource.attributes.add(key="service.name").value.string_value = "repair-otlp"
    ss = rs.scope_spans.add()
    broken = []
    for span_id, parent, name, start, end in spans:
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            text = "~" * len(name)
            broken.append(name)
        ss.spans.add(trace_id=bytes.fromhex(REPAIR_TRACE), span_id=bytes.fromhex(span_id), parent_span_id=bytes.fromhex(parent),
                     name=text, start_time_unix_nano=start, end_time_unix_nano=end)
    data = request.SerializeToString()
    for name in broken:
        field = bytes([0x2A, len(name)])  # span.name: field 5, length-delimited
        data = data.replace(field + b"~" * len(name), field + name, 1)
    return data


REPAIR_TRACE = "6af7651916cd43dd8448eb211c80319c"


@test
def inputs_real_fleets_send_are_repaired_not_refused_on_every_receiver(t):
    trellis = storing()
    now = time.time_ns()
    receivers = {}
    # OTLP/HTTP protobuf: a valid root, a child whose name ends in a truncated UTF-8 sequence, a blank name, no times.
    receivers["otlp"] = ("http", "/v1/traces", "application/x-protobuf", otlp_protobuf_request([
        ("00000000000000c1", "", b"GET /", now, now + 5_000_000),
        ("00000000000000c2", "00000000000000c1", b"cal\xc3", now + 1_000_000, now + 2_000_000),
        ("00000000000000c3", "00000000000000c1", b"  ", 0, 0),
        ("00000000000000c4", "00000000000000c1", b"late", now + 3_000_000, now + 2_000_000),
    ]))
    zipkin_trace = "7af7651916cd43dd8448eb211c80319c"
    micros = now // 1000
    receivers["zipkin"] = ("zipkin", "/api/v2/spans", "application/json; charset=utf-8", b"[" + b",".join([
        b'{"traceId":"%s","id":"00000000000000d1","name":"GET /","timestamp":%d,"duration":5000,"localEndpoint":{"serviceName":"repair-zipkin"}}' % (zipkin_trace.encode(), micros),
        b'{"traceId":"%s","id":"00000000000000d2","parentId":"00000000000000d1","name":"cal\xc3","timestamp":%d,"duration":1000,"localEndpoint":{"serviceName":"repair-zipkin"}}' % (zipkin_trace.encode(), micros + 1000),
        b'{"traceId":"%s","id":"00000000000000d3","parentId":"00000000000000d1","name":"","localEndpoint":{"serviceName":"repair-zipkin"}}' % zipkin_trace.encode(),
    ]) + b"]")
    for receiver, (port, path, content_type, body) in receivers.items():
        status, _, reply = http("POST", trellis.url(port, path), body, {"Content-Type": content_type})
        assert status in (200, 202), (receiver, status, reply)
    for trace_id, count in ((REPAIR_TRACE, 4), (zipkin_trace, 3)):
        spans = stored_trace(trellis, trace_id, count)["spans"]
        names = sorted(s["operationName"] for s in spans)
        assert "cal\ufffd" in names and "unknown_span" in names and "GET /" in names, names
        repaired = next(s for s in spans if s["operationName"] == "cal\ufffd")
        assert repaired["warnings"] == ["invalid UTF-8 replaced with U+FFFD in the span name"], repaired
        root = next(s for s in spans if s["operationName"] == "GET /")
        assert root["warnings"] is None, root
        for span in spans:
            # No 1970 spans and no 57-year durations: every time is within a minute of now.
            assert abs(span["startTime"] - micros) < 60_000_000 and span["duration"] < 60_000_000, span
    late = next(s for s in stored_trace(trellis, REPAIR_TRACE, 4)["spans"] if s["operationName"] == "late")
    assert late["duration"] == 0 and late["warnings"] == ["the end time was 1000000 ns before the start time; the duration is taken as 0"], late
    for repair in ("invalid_utf8", "blank_name", "missing_start"):
        assert trellis.metric("trellis_receiver_repaired_spans_total", repair=repair) >= 2, (repair, trellis.metrics())


@test
def the_dialects_trellis_stops_cleanly(t):
    """The Trellis this module's tests share is stopped by its PID (it was left running before)."""
    if "trellis" in _stack:
        assert _stack.pop("trellis").stop() == 0
