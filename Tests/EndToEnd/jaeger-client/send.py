#!/usr/bin/env python3
"""Sends one trace with the OpenTelemetry SDK's Jaeger exporters (a real Jaeger client).

    send.py TRANSPORT HOST:PORT TRACE_ID_HEX

TRANSPORT is thrift_http (POST /api/traces), thrift_compact (UDP emitBatch, the agent port) or
grpc (jaeger.api_v2.CollectorService/PostSpans). The trace: service jaeger-probe (resource
host.name, probe.build), a SERVER span "GET /probe" with typed attributes and an event
"cache.miss", and its CLIENT child "SELECT users" with status ERROR and a link. Times are fixed
(2023-11-14T22:13:20Z); span IDs are the trace ID's low and high halves' low bits.
"""
import sys
import warnings

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags

warnings.simplefilter("ignore", DeprecationWarning)  # the exporters are marked deprecated

START = 1_700_000_000_000_000_000  # Unix ns
LINK = SpanContext(0x4BF92F3577B34DA6A3CE929D0E0E4736, 0xFFFFFFFFFFFFFFFE, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED))


class FixedIDs(IdGenerator):
    def __init__(self, trace_id):
        self.trace_id = trace_id
        self.span_ids = iter([0xB7AD6B7169203331, 0x00F067AA0BA902B7])

    def generate_trace_id(self):
        return self.trace_id

    def generate_span_id(self):
        return next(self.span_ids)


def exporter(transport, endpoint):
    host, port = endpoint.rsplit(":", 1)
    if transport == "thrift_http":
        from opentelemetry.exporter.jaeger.thrift import JaegerExporter
        return JaegerExporter(collector_endpoint=f"http://{endpoint}/api/traces")
    if transport == "thrift_compact":
        from opentelemetry.exporter.jaeger.thrift import JaegerExporter
        return JaegerExporter(agent_host_name=host, agent_port=int(port))
    if transport == "grpc":
        from opentelemetry.exporter.jaeger.proto.grpc import JaegerExporter
        return JaegerExporter(collector_endpoint=endpoint, insecure=True)
    raise SystemExit(f"unknown transport {transport!r}")


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    transport, endpoint, trace_hex = sys.argv[1:]
    provider = TracerProvider(resource=Resource.create({"service.name": "jaeger-probe", "host.name": "probe-host", "probe.build": 42}),
                              id_generator=FixedIDs(int(trace_hex, 16)))
    provider.add_span_processor(BatchSpanProcessor(exporter(transport, endpoint)))
    tracer = provider.get_tracer("jaeger-probe-tracer", "0.1.0")
    root = tracer.start_span("GET /probe", kind=SpanKind.SERVER, start_time=START,
                             attributes={"http.method": "GET", "http.status_code": 200, "probe.flag": True, "probe.ratio": 0.25})
    root.add_event("cache.miss", attributes={"cache.key": "user:7", "attempt": 3}, timestamp=START + 1_000_000)
    child = tracer.start_span("SELECT users", context=trace.set_span_in_context(root), kind=SpanKind.CLIENT,
                              start_time=START + 2_000_000, attributes={"db.system": "postgresql"}, links=[Link(LINK)])
    child.set_status(Status(StatusCode.ERROR, "connection refused"))
    child.end(end_time=START + 7_500_000)
    root.end(end_time=START + 10_000_000)
    if not provider.force_flush(10_000):
        raise SystemExit("the exporter did not flush")
    provider.shutdown()


if __name__ == "__main__":
    main()
