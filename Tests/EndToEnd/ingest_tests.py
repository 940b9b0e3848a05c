"""Ingestion: receivers fed by the SDK exporters, curl, grpcio and raw HTTP/2; limits, sampling, shutdown."""
from harness import *


@test
def python_sdk_otlp_grpc_exporter_spans_are_all_accepted(t):
    sdk_flow(t, {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
                 "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{t.ports['grpc']}", "OTEL_EXPORTER_OTLP_INSECURE": "true"}, "otlp", "grpc")


@test
def python_sdk_otlp_grpc_exporter_with_gzip_spans_are_all_accepted(t):
    sdk_flow(t, {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
                 "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{t.ports['grpc']}", "OTEL_EXPORTER_OTLP_INSECURE": "true"}, "otlp", "grpc")


@test
def python_sdk_otlp_http_protobuf_exporter_spans_are_all_accepted(t):
    sdk_flow(t, {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                 "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{t.ports['http']}"}, "otlp", "http")


@test
def python_sdk_otlp_http_exporter_with_gzip_spans_are_all_accepted(t):
    sdk_flow(t, {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
                 "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{t.ports['http']}"}, "otlp", "http")


@test
def python_sdk_zipkin_json_exporter_spans_are_all_accepted(t):
    sdk_flow(t, {"OTEL_TRACES_EXPORTER": "zipkin_json",
                 "OTEL_EXPORTER_ZIPKIN_ENDPOINT": t.url("zipkin", "/api/v2/spans")}, "zipkin", "http")


def otlp_json_body(spans):
    return json.dumps({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "curl-client"}}]},
        "scopeSpans": [{"scope": {"name": "manual"}, "spans": spans}]}]}).encode()


def json_span(i, trace_id="5B8EFFF798038103D269B633813FC60C", span_id=None):
    return {"traceId": trace_id, "spanId": span_id or f"{i + 1:016x}", "name": f"op-{i}", "kind": 2,
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": 1700000000100000000,
            "attributes": [{"key": "http.response.status_code", "value": {"intValue": "200"}}]}


def curl(*args):
    result = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", *args], capture_output=True, check=True)
    body, _, code = result.stdout.rpartition(b"\n")
    return int(code), body


@test
def otlp_json_posted_with_curl_is_accepted(t):
    before = t.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport="http")
    path = os.path.join(WORK, "spans.json")
    with open(path, "wb") as f:
        f.write(otlp_json_body([json_span(i) for i in range(4)]))
    code, body = curl("-X", "POST", "-H", "Content-Type: application/json", "--data-binary", f"@{path}", t.url("http", "/v1/traces"))
    assert code == 200, (code, body)
    assert json.loads(body) == {}, body
    assert t.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport="http") - before == 4


@test
def otlp_json_with_an_all_zero_span_id_gets_partial_success(t):
    body = otlp_json_body([json_span(0), json_span(1, span_id="0000000000000000")])
    code, _, reply = http("POST", t.url("http", "/v1/traces"), body, {"Content-Type": "application/json"})
    assert code == 200, code
    partial = json.loads(reply)["partialSuccess"]
    assert partial["rejectedSpans"] == "1", partial
    assert "spans[1]: spanId is all zeros" in partial["errorMessage"], partial


@test
def garbage_protobuf_over_http_gets_400_with_a_status_body(t):
    code, headers, body = http("POST", t.url("http", "/v1/traces"), b"\x0a\xff\xff\xff\x0fgarbage", {"Content-Type": "application/x-protobuf"})
    assert code == 400, code
    assert headers["Content-Type"] == "application/x-protobuf"
    assert b"resourceSpans" in body and b"runs past the end" in body, body


@test
def wrong_content_type_gets_415(t):
    code, _, body = http("POST", t.url("http", "/v1/traces"), b"hello", {"Content-Type": "text/plain"})
    assert code == 415, code
    assert b"unsupported media type 'text/plain'" in body, body


@test
def get_on_the_traces_path_gets_405(t):
    code, headers, _ = http("GET", t.url("http", "/v1/traces"))
    assert code == 405 and headers.get("Allow") == "POST", (code, headers)


@test
def oversized_body_gets_413(t):
    small = Trellis(max_body_mib=1).start()
    try:
        # The answer comes from the declared length alone, before the body is read.
        with socket.create_connection(("127.0.0.1", small.ports["http"]), timeout=10) as s:
            s.sendall(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: %d\r\n\r\n" % (2 << 20))
            s.sendall(b"\0" * 65536)
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert b"exceeds the limit of 1048576 bytes" in reply, reply
        bomb = gzip.compress(b"\0" * (8 << 20))
        code, _, body = http("POST", small.url("http", "/v1/traces"), bomb, {"Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"})
        assert code == 413, (code, body)
    finally:
        assert small.stop() == 0


@test
def gzip_that_does_not_inflate_gets_400(t):
    code, _, body = http("POST", t.url("http", "/v1/traces"), b"\x1f\x8b\x08\x00garbage", {"Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"})
    assert code == 400, code
    assert b"does not inflate" in body, body


@test
def zipkin_bad_body_gets_400_with_the_reason(t):
    code, _, body = http("POST", t.url("zipkin", "/api/v2/spans"), b'{"not": "a list"}', {"Content-Type": "application/json"})
    assert code == 400, code
    assert body.strip(), body


@test
def truncated_grpc_frame_gets_invalid_argument(t):
    headers = H2(t.ports["grpc"]).call(EXPORT_PATH, b"\x00\x00\x00\x01\x00" + b"\x0a\x05")
    assert headers.get("grpc-status") == "3", headers
    assert "truncated" in headers.get("grpc-message", ""), headers


@test
def grpc_message_over_the_limit_gets_resource_exhausted(t):
    small = Trellis(max_msg_mib=1).start()
    try:
        payload = b"\x00" + struct.pack(">I", 2 << 20) + b"\x00" * 1024
        headers = H2(small.ports["grpc"]).call(EXPORT_PATH, payload)
        assert headers.get("grpc-status") == "8", headers
    finally:
        assert small.stop() == 0


@test
def grpc_garbage_protobuf_gets_invalid_argument_and_unknown_method_unimplemented(t):
    import grpc
    channel = grpc.insecure_channel(f"127.0.0.1:{t.ports['grpc']}")
    export = channel.unary_unary(EXPORT_PATH, request_serializer=lambda b: b, response_deserializer=lambda b: b)
    try:
        export(b"\x0a\xff\xff\xff\x0f", timeout=10)
        raise AssertionError("garbage was accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.code()
        assert "runs past the end" in error.details(), error.details()
    unknown = channel.unary_unary("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", request_serializer=lambda b: b, response_deserializer=lambda b: b)
    try:
        unknown(b"", timeout=10)
        raise AssertionError("unknown method answered OK")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.UNIMPLEMENTED, error.code()
    channel.close()


@test
def one_grpc_connection_carries_a_hundred_concurrent_exports(t):
    import grpc
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    before = t.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport="grpc")
    body = open(os.path.join(HERE, "..", "..", "..", "shared", "testdata", "otlp-python-sdk", "grpc_greeting", "0001_grpc_traces.pb"), "rb").read()
    channel = grpc.insecure_channel(f"127.0.0.1:{t.ports['grpc']}")
    export = channel.unary_unary(EXPORT_PATH, request_serializer=lambda b: b, response_deserializer=trace_service_pb2.ExportTraceServiceResponse.FromString)
    futures = [export.future(body, timeout=20) for _ in range(100)]
    replies = [f.result() for f in futures]
    channel.close()
    assert all(not r.HasField("partial_success") for r in replies)
    assert t.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport="grpc") - before == 200


@test
def grpc_ping_is_answered_and_shutdown_sends_goaway(t):
    import h2.events
    own = Trellis().start()
    client = H2(own.ports["grpc"])
    client.conn.ping(b"trellis!")
    client.sock.sendall(client.conn.data_to_send())
    events = []
    while not any(isinstance(e, h2.events.PingAckReceived) for e in events):
        events += client.conn.receive_data(client.sock.recv(65536))
    own.process.send_signal(signal.SIGTERM)
    while not any(isinstance(e, h2.events.ConnectionTerminated) for e in events):
        data = client.sock.recv(65536)
        assert data, "connection closed without GOAWAY"
        events += client.conn.receive_data(data)
    assert own.process.wait(timeout=30) == 0


@test
def loadgen_counts_match_what_the_server_accepted(t):
    for protocol, port, transport in (("grpc", "grpc", "grpc"), ("http/protobuf", "http", "http"), ("http/json", "http", "http")):
        before = t.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport=transport)
        result = subprocess.run([TRELLIS, "loadgen", "--endpoint", f"http://127.0.0.1:{t.ports[port]}", "--protocol", protocol,
                                 "--duration", "1s", "--concurrency", "4", "--spans-per-request", "50", "--gzip", "--json"],
                                capture_output=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        summary = json.loads(result.stdout.decode().strip().splitlines()[-1])
        assert summary["spans_accepted"] > 0 and summary["spans_failed"] == 0, summary
        accepted = t.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport=transport) - before
        assert accepted == summary["spans_accepted"], (protocol, accepted, summary)


@test
def loadgen_connects_again_when_the_server_closes_its_idle_connections(t):
    # The server closes a connection idle for 1 s; loadgen sends one request every 2 s on one connection.
    idle = Trellis(idle="1s").start()
    try:
        for protocol, port, transport in (("grpc", "grpc", "grpc"), ("http/protobuf", "http", "http")):
            before = idle.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport=transport)
            result = subprocess.run([TRELLIS, "loadgen", "--endpoint", f"http://127.0.0.1:{idle.ports[port]}", "--protocol", protocol,
                                     "--duration", "5s", "--rate", "50", "--spans-per-request", "100", "--concurrency", "1", "--connections", "1",
                                     "--json"], capture_output=True, timeout=60)
            assert result.returncode == 0, result.stdout + result.stderr
            summary = json.loads(result.stdout.decode().strip().splitlines()[-1])
            assert summary["reconnects"] >= 1 and summary["requests"] >= 2 and summary["spans_failed"] == 0, (protocol, summary)
            accepted = idle.metric("trellis_receiver_accepted_spans_total", receiver="otlp", transport=transport) - before
            assert accepted == summary["spans_accepted"] == summary["spans_sent"], (protocol, accepted, summary)
    finally:
        assert idle.stop() == 0


@test
def loadgen_against_a_closed_port_fails_naming_the_endpoint(t):
    port = free_port()
    result = subprocess.run([TRELLIS, "loadgen", "--endpoint", f"http://127.0.0.1:{port}", "--duration", "1s"], capture_output=True, timeout=30)
    assert result.returncode != 0
    assert f"127.0.0.1:{port}" in result.stdout.decode(), result.stdout


@test
def memory_limiter_refuses_retryably_then_accepts_again_and_bounds_memory(t):
    own = Trellis(processors="""
  memory_limiter: { check_interval: 100ms, limit_mib: 200, spike_limit_mib: 120 }
  batch: { send_batch_size: 100000000, timeout: 2s }""", pipeline_processors="[memory_limiter, batch]", idle="30s").start()
    try:
        result = subprocess.run([TRELLIS, "loadgen", "--endpoint", f"http://127.0.0.1:{own.ports['grpc']}", "--duration", "6s", "--json"],
                                capture_output=True, timeout=60)
        summary = json.loads(result.stdout.decode().strip().splitlines()[-1])
        # The batch processor holds spans until its timeout: held bytes reach the soft limit (80 MiB),
        # the limiter refuses, the SDK-like client retries, the flush frees memory, data flows again.
        # (The idle timeout is long: a connection whose every request waits in backoff sends nothing, and
        # the load generator, unlike an SDK, does not reconnect a connection the server closed.)
        assert summary["spans_refused"] > 0 and summary["retries"] > 0, summary
        assert summary["spans_failed"] == 0 and summary["spans_accepted"] == summary["spans_sent"], summary
        assert own.metric("trellis_processor_refused_spans_total", processor="memory_limiter") == summary["spans_refused"]
        assert own.metric("trellis_receiver_accepted_spans_total") == summary["spans_accepted"]
        peak_mib = int(open(f"/proc/{own.process.pid}/status").read().split("VmHWM:")[1].split()[0]) / 1024
        assert peak_mib < 200 + 60, f"peak RSS {peak_mib:.0f} MiB with limit_mib 200"
    finally:
        assert own.stop() == 0
    log = own.output()
    assert "stopped" in log


@test
def tail_sampling_keeps_error_and_slow_demo_traces_and_drops_fast_ones(t):
    own = Trellis(processors="""
  tail_sampling:
    decision_wait: 1500ms
    policies:
      - { name: errors, type: status_code, status_code: { status_codes: [ERROR] } }
      - { name: slow, type: latency, latency: { threshold_ms: 200 } }""", pipeline_processors="[tail_sampling]").start()
    try:
        services = Services({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
                             "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{own.ports['grpc']}", "OTEL_EXPORTER_OTLP_INSECURE": "true"})
        try:
            total = services.run_flows()  # 3 fast greetings, 1 slow, 1 error: 3 spans each, each trace in two batches
        finally:
            services.stop()
        assert wait_until(lambda: own.metric("trellis_exporter_sent_spans_total") >= 6, timeout=15)
        time.sleep(2)
        assert own.metric("trellis_receiver_accepted_spans_total") == total
        assert own.metric("trellis_exporter_sent_spans_total") == 6, own.metric("trellis_exporter_sent_spans_total")
        assert own.metric("trellis_processor_dropped_spans_total", processor="tail_sampling") == total - 6
    finally:
        assert own.stop() == 0


@test
def sdk_spans_are_in_the_sqlite_archive_after_shutdown_and_restart(t):
    db = os.path.join(WORK, f"archive-{free_port()}", "trellis.db")
    own = storing_trellis(db).start()
    expected = run_flows_into(own)
    assert wait_until(lambda: own.metric("trellis_receiver_accepted_spans_total") >= expected)
    assert own.stop() == 0
    spans = archived_spans(db)
    assert len(spans) == expected, (len(spans), expected)
    by_id = {s[4]: s for s in spans}
    greetings = [s for s in spans if s[0] == "demo-service" and s[1] == "GET /api/greeting"]
    assert len(greetings) == 3
    for demo in greetings:
        client = by_id[demo[5]]
        server = by_id[client[5]]
        assert (client[0], client[1], client[2]) == ("node-service", "GET", 3), client
        assert (server[0], server[1], server[2], server[5]) == ("node-service", "GET /api/greeting", 2, ""), server
    again = Trellis(exporter=store_exporter(db), exporter_name="trellis_store").start()
    assert again.stop() == 0
    assert sorted(archived_spans(db)) == sorted(spans)


@test
def a_connection_that_sends_nothing_is_timed_out(t):
    for port in ("grpc", "http", "zipkin"):
        with socket.create_connection(("127.0.0.1", t.ports[port]), timeout=10) as s:
            started = time.time()
            data = s.recv(1024)
            while data:
                data = s.recv(1024)
            elapsed = time.time() - started
            assert 1.5 <= elapsed < 8, f"{port}: closed after {elapsed:.1f}s"


@test
def busy_port_makes_serve_exit_nonzero_naming_the_port(t):
    other = Trellis()
    other.ports["grpc"] = t.ports["grpc"]
    with open(other.config, "w") as f:
        f.write(open(t.config).read().replace(f"127.0.0.1:{t.ports['query']}", f"127.0.0.1:{free_port()}"))
    result = subprocess.run([TRELLIS, "serve", "--config", other.config], capture_output=True, timeout=30)
    assert result.returncode != 0
    assert f"127.0.0.1:{t.ports['grpc']}" in result.stderr.decode() and b"address already in use" in result.stderr, result.stderr


@test
def check_config_names_the_bad_key(t):
    path = os.path.join(WORK, "bad.yaml")
    with open(path, "w") as f:
        f.write(open(t.config).read().replace("max_recv_msg_size_mib", "max_recv_msg_size_mb"))
    result = subprocess.run([TRELLIS, "check-config", path], capture_output=True, timeout=30)
    assert result.returncode != 0
    assert b"receivers.otlp.protocols.grpc.max_recv_msg_size_mb: unknown key" in result.stdout, result.stdout
    good = subprocess.run([TRELLIS, "check-config", t.config], capture_output=True, timeout=30)
    assert good.returncode == 0, good.stdout


@test
def healthcheck_exits_zero_only_when_the_route_answers_200(t):
    def healthcheck(url):
        return subprocess.run([TRELLIS, "healthcheck", "--url", url, "--timeout", "5"], capture_output=True, timeout=30)
    up = healthcheck(t.url("query", "/healthz"))
    assert up.returncode == 0 and b"HTTP 200" in up.stdout, up.stdout
    missing = healthcheck(t.url("query", "/no-such-route"))
    assert missing.returncode == 1 and b"HTTP 404" in missing.stdout, missing.stdout
    closed = healthcheck(f"http://127.0.0.1:{free_port()}/healthz")
    assert closed.returncode == 1 and b"refused" in closed.stdout, closed.stdout


@test
def sigterm_drains_what_was_accepted_and_exits_zero(t):
    own = Trellis().start()
    body = otlp_json_body([json_span(i) for i in range(50)])
    for _ in range(20):
        assert http("POST", own.url("http", "/v1/traces"), body, {"Content-Type": "application/json"})[0] == 200
    accepted = own.metric("trellis_receiver_accepted_spans_total")
    assert accepted == 1000, accepted
    assert own.stop(signal.SIGTERM) == 0
    log = own.output()
    assert "stopped" in log, log


@test
def otlp_json_with_base64_ids_is_accepted_and_counted(t):
    # As swift-otel 1.6.0's OTLP/JSON exporter writes them: proto3 JSON base64, not OTLP hex.
    own = Trellis().start()
    try:
        body = json.dumps({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "swift-app"}}]},
                                              "scopeSpans": [{"spans": [
                                                  {"traceId": "W47/95gDgQPSabYzgT/GDA==", "spanId": "7uGbfsPBsXQ=", "name": "GET /",
                                                   "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000100000000"}]}]}]}).encode()
        status, _, reply = http("POST", own.url("http", "/v1/traces"), body, {"Content-Type": "application/json"})
        assert status == 200, (status, reply)
        assert own.metric("trellis_receiver_accepted_spans_total") == 1
        assert own.metric("trellis_receiver_base64_id_spans_total") == 1
    finally:
        assert own.stop() == 0
