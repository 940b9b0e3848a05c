#!/usr/bin/env python3
"""Writes the hostile-input catalogue's request bodies (bodies/) and the requests of cases.json,
keeping the expected answers already in cases.json. Deterministic: run it again and git shows no
change. Run with the e2e venv's python (it uses the OTLP protobuf classes):

    .venv-e2e/bin/python Tests/EndToEnd/hostile/make_bodies.py

A new case starts with no expected answer; hostile_tests.py fails on it until one is written."""
import gzip
import json
import os
import struct

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

HERE = os.path.dirname(os.path.abspath(__file__))
TRACE = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
START = 1_700_000_000_000_000_000


def otlp(spans=1, name="GET /hostile", **overrides):
    request = trace_service_pb2.ExportTraceServiceRequest()
    rs = request.resource_spans.add()
    rs.resource.attributes.add(key="service.name").value.string_value = "hostile"
    ss = rs.scope_spans.add()
    ss.scope.name = "catalogue"
    for i in range(spans):
        span = ss.spans.add(trace_id=TRACE, span_id=struct.pack(">Q", 0xC0 + i), name=name, kind=2,
                            start_time_unix_nano=START, end_time_unix_nano=START + 1_000_000)
        span.attributes.add(key="http.route").value.string_value = "/hostile"
        for key, value in overrides.items():
            setattr(span, key, value)
    return request.SerializeToString()


def varint(n):
    out = b""
    while n >= 0x80:
        out += bytes([n & 0x7F | 0x80])
        n >>= 7
    return out + bytes([n])


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def grpc_frame(message, compressed=0, length=None):
    return bytes([compressed]) + struct.pack(">I", len(message) if length is None else length) + message


def nested_any_value(depth):
    value = b"\x08\x01"  # bool_value
    for _ in range(depth):
        value = field(5, field(1, value))  # array_value { values: value }
    return value


def thrift_i32(v):
    return struct.pack(">i", v)


def thrift_string(b):
    return thrift_i32(len(b)) + b


VALID = otlp()
JSON_SPAN = '{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00000000000000c0","name":"GET /","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"%s}'


def otlp_json(span_json):
    return ('{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"hostile"}}]},'
            '"scopeSpans":[{"spans":[%s]}]}]}' % span_json).encode()


def zipkin(extra="", trace="0af7651916cd43dd8448eb211c80319c", span="00000000000000c0"):
    return ('[{"traceId":"%s","id":"%s","name":"get","timestamp":1700000000000000,"duration":10,'
            '"localEndpoint":{"serviceName":"hostile"}%s}]' % (trace, span, extra)).encode()


def zipkin_proto(span):
    return field(1, span)


ZIPKIN_SPAN = field(1, TRACE) + field(3, b"\x00" * 7 + b"\xc0") + field(5, b"get")
PROTOBUF = {"Content-Type": "application/x-protobuf"}
JSON = {"Content-Type": "application/json"}
THRIFT = {"Content-Type": "application/x-thrift"}
GZIP_BOMB = gzip.compress(b"\x00" * (24 << 20), compresslevel=9, mtime=0)  # past the 20 MiB body limit
JAEGER_BATCH_HEAD = b"\x0c\x00\x01" + b"\x0b\x00\x01" + thrift_string(b"hostile") + b"\x00"  # process { serviceName }

# (name, target, method, path, headers, body)
CASES = []


def case(name, target, path, body=None, headers=None, method="POST"):
    CASES.append((name, target, method, path, headers or {}, body))


# OTLP/HTTP protobuf: truncations at field boundaries, bad lengths and wire types, nesting, repeats, IDs, times.
for cut in (1, 2, 4, 10, 30, 45, 60, len(VALID) - 1):
    case(f"otlp-protobuf-truncated-at-byte-{cut}", "otlp-http", "/v1/traces", VALID[:cut], PROTOBUF)
case("otlp-protobuf-length-past-the-end", "otlp-http", "/v1/traces", b"\x0a\x7f\x12\x00", PROTOBUF)
case("otlp-protobuf-span-name-as-a-varint", "otlp-http", "/v1/traces", field(1, field(2, field(2, b"\x28\x01"))), PROTOBUF)
case("otlp-protobuf-eleven-byte-varint", "otlp-http", "/v1/traces", b"\x0a\x0c\x20" + b"\xff" * 11, PROTOBUF)
case("otlp-protobuf-field-number-zero", "otlp-http", "/v1/traces", b"\x02\x00", PROTOBUF)
case("otlp-protobuf-attribute-nested-200-deep", "otlp-http", "/v1/traces",
     field(1, field(2, field(2, field(1, TRACE) + field(2, b"\x01" * 8) + field(9, field(1, b"k") + field(2, nested_any_value(200)))))), PROTOBUF)
case("otlp-protobuf-50000-empty-spans", "otlp-http", "/v1/traces", field(1, field(2, b"\x12\x00" * 50000)), PROTOBUF)
case("otlp-protobuf-truncated-utf8-name-is-repaired", "otlp-http", "/v1/traces", VALID.replace(b"GET /hostile", b"GET /hostil\xc3"), PROTOBUF)
case("otlp-protobuf-all-zero-trace-id", "otlp-http", "/v1/traces", otlp(trace_id=b"\x00" * 16), PROTOBUF)
case("otlp-protobuf-15-byte-span-id", "otlp-http", "/v1/traces", otlp(span_id=b"\x01" * 15), PROTOBUF)
case("otlp-protobuf-end-before-start-is-repaired", "otlp-http", "/v1/traces", otlp(end_time_unix_nano=START - 1), PROTOBUF)
case("otlp-protobuf-no-times-is-repaired", "otlp-http", "/v1/traces", otlp(start_time_unix_nano=0, end_time_unix_nano=0), PROTOBUF)
case("otlp-protobuf-duplicate-span-ids", "otlp-http", "/v1/traces", otlp(spans=1) + otlp(spans=1), PROTOBUF)
case("otlp-protobuf-gzip-bomb", "otlp-http", "/v1/traces", GZIP_BOMB, dict(PROTOBUF, **{"Content-Encoding": "gzip"}))
case("otlp-protobuf-content-encoding-br", "otlp-http", "/v1/traces", VALID, dict(PROTOBUF, **{"Content-Encoding": "br"}))
case("otlp-protobuf-gzip-header-plain-body", "otlp-http", "/v1/traces", VALID, dict(PROTOBUF, **{"Content-Encoding": "gzip"}))
case("otlp-protobuf-text-plain-content-type", "otlp-http", "/v1/traces", VALID, {"Content-Type": "text/plain"})
case("otlp-protobuf-empty-body", "otlp-http", "/v1/traces", b"", PROTOBUF)
# OTLP/HTTP JSON.
case("otlp-json-charset-parameter-accepted", "otlp-http", "/v1/traces", otlp_json(JSON_SPAN % ""), {"Content-Type": "application/json; charset=utf-8"})
case("otlp-json-truncated", "otlp-http", "/v1/traces", otlp_json(JSON_SPAN % "")[:-7], JSON)
case("otlp-json-resource-spans-an-object", "otlp-http", "/v1/traces", b'{"resourceSpans":{}}', JSON)
case("otlp-json-arrays-1000-deep", "otlp-http", "/v1/traces", b"[" * 1000 + b"]" * 1000, JSON)
case("otlp-json-invalid-utf8-name-is-repaired", "otlp-http", "/v1/traces", otlp_json((JSON_SPAN % "").replace('"GET /"', '"GET \xff"')).replace(b"\xc3\xbf", b"\xff"), JSON)
case("otlp-json-lone-surrogate-is-repaired", "otlp-http", "/v1/traces", otlp_json((JSON_SPAN % "").replace('"GET /"', '"GET \\ud800"')), JSON)
case("otlp-json-negative-start-time", "otlp-http", "/v1/traces", otlp_json((JSON_SPAN % "").replace('"1700000000000000000"', '"-1"')), JSON)
case("otlp-json-start-time-past-64-bits", "otlp-http", "/v1/traces", otlp_json((JSON_SPAN % "").replace('"1700000000000000000"', '"99999999999999999999"')), JSON)
case("otlp-json-trace-id-of-30-digits", "otlp-http", "/v1/traces", otlp_json((JSON_SPAN % "").replace("0af7651916cd43dd8448eb211c80319c", "0af7651916cd43dd8448eb211c8031")), JSON)
case("otlp-json-int-value-1e999999", "otlp-http", "/v1/traces", otlp_json(JSON_SPAN % ',"attributes":[{"key":"n","value":{"intValue":1e999999}}]'), JSON)
case("otlp-json-kind-unknown-name", "otlp-http", "/v1/traces", otlp_json(JSON_SPAN % ',"kind":"SPAN_KIND_SIDEWAYS"'), JSON)
# OTLP/gRPC: framing, compression, methods.
case("otlp-grpc-encoding-br", "otlp-grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", grpc_frame(VALID), {"grpc-encoding": "br"})
case("otlp-grpc-encoding-deflate", "otlp-grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", grpc_frame(VALID), {"grpc-encoding": "deflate"})
case("otlp-grpc-truncated-frame", "otlp-grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", grpc_frame(b"\x0a\x05", length=10))
case("otlp-grpc-compressed-flag-without-encoding", "otlp-grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", grpc_frame(VALID, compressed=1))
case("otlp-grpc-garbage-message", "otlp-grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", grpc_frame(b"\x0a\xff\xff\xff\x0f"))
case("otlp-grpc-length-prefix-over-the-limit", "otlp-grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", grpc_frame(b"\x00" * 64, length=64 << 20))
case("otlp-grpc-unknown-method", "otlp-grpc", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", grpc_frame(b""))
case("otlp-grpc-gzip-bomb", "otlp-grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", grpc_frame(GZIP_BOMB, compressed=1), {"grpc-encoding": "gzip"})
# Zipkin JSON and protobuf.
case("zipkin-json-truncated", "zipkin", "/api/v2/spans", zipkin()[:-3], JSON)
case("zipkin-json-not-a-list", "zipkin", "/api/v2/spans", b'{"traceId":"1"}', JSON)
case("zipkin-json-kind-sideways", "zipkin", "/api/v2/spans", zipkin(',"kind":"SIDEWAYS"'), JSON)
case("zipkin-json-negative-timestamp", "zipkin", "/api/v2/spans", zipkin().replace(b"1700000000000000", b"-1"), JSON)
case("zipkin-json-timestamp-overflows-nanoseconds", "zipkin", "/api/v2/spans", zipkin().replace(b"1700000000000000", b"18446744073709551"), JSON)
case("zipkin-json-all-zero-ids", "zipkin", "/api/v2/spans", zipkin(trace="0" * 32, span="0" * 16), JSON)
case("zipkin-json-invalid-utf8-tag-is-repaired", "zipkin", "/api/v2/spans", zipkin(',"tags":{"k":"v\xff"}').replace(b"\xc3\xbf", b"\xff"), JSON)
case("zipkin-json-tags-nested-1000-deep", "zipkin", "/api/v2/spans", zipkin(',"tags":' + '{"a":' * 1000 + '"b"' + "}" * 1000), JSON)
case("zipkin-json-port-70000", "zipkin", "/api/v2/spans", zipkin(',"remoteEndpoint":{"port":70000}'), JSON)
case("zipkin-json-gzip-bomb", "zipkin", "/api/v2/spans", GZIP_BOMB, dict(JSON, **{"Content-Encoding": "gzip"}))
case("zipkin-json-charset-parameter-accepted", "zipkin", "/api/v2/spans", zipkin(), {"Content-Type": "application/json; charset=utf-8"})
case("zipkin-json-content-encoding-br", "zipkin", "/api/v2/spans", zipkin(), dict(JSON, **{"Content-Encoding": "br"}))
case("zipkin-protobuf-truncated", "zipkin", "/api/v2/spans", zipkin_proto(ZIPKIN_SPAN)[:-2], PROTOBUF)
case("zipkin-protobuf-name-as-a-varint", "zipkin", "/api/v2/spans", zipkin_proto(field(1, TRACE) + b"\x28\x01"), PROTOBUF)
case("zipkin-protobuf-three-byte-ipv4", "zipkin", "/api/v2/spans", zipkin_proto(ZIPKIN_SPAN + field(8, field(2, b"\x0a\x00\x01"))), PROTOBUF)
case("zipkin-protobuf-kind-9", "zipkin", "/api/v2/spans", zipkin_proto(ZIPKIN_SPAN + b"\x20\x09"), PROTOBUF)
case("zipkin-protobuf-12-byte-trace-id", "zipkin", "/api/v2/spans", zipkin_proto(field(1, TRACE[:12]) + field(3, b"\x01" * 8)), PROTOBUF)
# Jaeger Thrift over HTTP and gRPC.
jaeger_span = (b"\x0a\x00\x01" + TRACE[8:] + b"\x0a\x00\x02" + TRACE[:8] + b"\x0a\x00\x03" + b"\x00" * 7 + b"\xc0"
               + b"\x0b\x00\x05" + thrift_string(b"get") + b"\x0a\x00\x08" + struct.pack(">q", 1700000000000000) + b"\x0a\x00\x09" + struct.pack(">q", 10))
jaeger_batch = JAEGER_BATCH_HEAD + b"\x0f\x00\x02\x0c" + thrift_i32(1) + jaeger_span + b"\x00" + b"\x00"
case("jaeger-thrift-valid-batch", "jaeger-http", "/api/traces", jaeger_batch, THRIFT)
case("jaeger-thrift-truncated", "jaeger-http", "/api/traces", jaeger_batch[:-5], THRIFT)
case("jaeger-thrift-list-of-a-million-spans", "jaeger-http", "/api/traces", b"\x0f\x00\x02\x0c\x00\x0f\x42\x40\x00\x00", THRIFT)
case("jaeger-thrift-trace-id-as-a-string", "jaeger-http", "/api/traces", b"\x0f\x00\x02\x0c" + thrift_i32(1) + b"\x0b\x00\x01" + thrift_string(b"x") + b"\x00\x00", THRIFT)
case("jaeger-thrift-negative-start-time", "jaeger-http", "/api/traces", jaeger_batch.replace(struct.pack(">q", 1700000000000000), struct.pack(">q", -5)), THRIFT)
case("jaeger-thrift-unknown-type-code", "jaeger-http", "/api/traces", b"\x42\x00\x01", THRIFT)
case("jaeger-thrift-trailing-bytes", "jaeger-http", "/api/traces", jaeger_batch + b"\x01\x02", THRIFT)
case("jaeger-thrift-unknown-field-nested-40-deep", "jaeger-http", "/api/traces", b"\x0c\x00\x09" + b"\x0c\x00\x01" * 40 + b"\x00" * 42, THRIFT)
case("jaeger-thrift-json-content-type", "jaeger-http", "/api/traces", jaeger_batch, JSON)
case("jaeger-grpc-garbage-message", "jaeger-grpc", "/jaeger.api_v2.CollectorService/PostSpans", grpc_frame(b"\x0a\xff\xff\xff\x0f"))
case("jaeger-grpc-negative-start-seconds", "jaeger-grpc", "/jaeger.api_v2.CollectorService/PostSpans",
     grpc_frame(field(1, field(1, field(1, TRACE) + field(2, b"\x01" * 8) + field(6, b"\x08" + varint((1 << 64) - 5))))))
# The query API.
case("query-tags-value-an-object", "query", "/api/traces?service=hostile&tags=%7B%22a%22%3A%7B%22b%22%3A1%7D%7D", method="GET")
case("query-tags-not-json", "query", "/api/traces?service=hostile&tags=%7Bnot", method="GET")
case("query-limit-past-64-bits", "query", "/api/traces?service=hostile&limit=99999999999999999999", method="GET")
case("query-limit-a-million-is-capped", "query", "/api/traces?service=nobody&limit=1000000", method="GET")
case("query-service-sql-injection", "query", "/api/traces?service=%27%20OR%201%3D1%20--", method="GET")
case("query-operation-sql-injection", "query", "/api/traces?service=hostile&operation=%22%3B%20DROP%20TABLE%20spans%3B--", method="GET")
case("query-tags-sql-metacharacters", "query", "/api/traces?service=hostile&tags=%7B%22k%27%22%3A%22v%5C%22%3B--%22%7D", method="GET")
case("query-trace-id-sql-injection", "query", "/api/traces?traceID=%27%20OR%20%271%27%3D%271", method="GET")
case("query-operations-sql-injection", "query", "/api/operations?service=x%27%3B%20DELETE%20FROM%20chunks%3B--", method="GET")
case("query-v3-attributes-sql-metacharacters", "query", "/api/v3/traces?query.serviceName=hostile&query.startTimeMin=2023-11-14T00:00:00Z&query.startTimeMax=2023-11-15T00:00:00Z&query.attributes=%7B%22%27%29%20OR%20%281%22%3A%221%22%7D", method="GET")
case("query-path-traversal-in-trace-id", "query", "/api/traces/..%2F..%2Fetc%2Fpasswd", method="GET")
case("query-path-traversal-dot-segments", "query", "/api/../../etc/passwd", method="GET")
case("query-path-traversal-in-service", "query", "/api/services/..%2F..%2Fetc/operations", method="GET")
case("query-url-of-60000-characters", "query", "/api/traces?service=" + "a" * 60000, method="GET")
case("query-service-repeated-1000-times", "query", "/api/traces?" + "&".join(["service=a"] * 1000), method="GET")
case("query-duration-past-64-bits", "query", "/api/traces?service=hostile&minDuration=99999999999h", method="GET")
case("query-lookback-negative", "query", "/api/dependencies?lookback=-5", method="GET")


def main():
    bodies = os.path.join(HERE, "bodies")
    os.makedirs(bodies, exist_ok=True)
    for old in os.listdir(bodies):
        os.remove(os.path.join(bodies, old))
    path = os.path.join(HERE, "cases.json")
    expected = {}
    if os.path.exists(path):
        expected = {c["name"]: c.get("expect") for c in json.load(open(path))}
    out = []
    for name, target, method, url, headers, body in CASES:
        entry = {"name": name, "target": target, "method": method, "path": url, "headers": headers}
        if body is not None:
            entry["body"] = f"bodies/{name}.bin"
            with open(os.path.join(bodies, f"{name}.bin"), "wb") as f:
                f.write(body)
        entry["expect"] = expected.get(name)
        out.append(entry)
    with open(path, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(out)} cases")


if __name__ == "__main__":
    main()
