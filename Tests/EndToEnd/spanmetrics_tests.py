"""The spanmetrics connector in a pipeline of its own beside the production tail-sampling
example: its series on /metrics read with Prometheus's own text parser (prometheus_client from
PyPI), checked against what the OpenTelemetry SDKs and `trellis demo` sent, Jaeger's Monitor
API over the per-minute counts it keeps in the archive (its answers checked against the OpenAPI
document), and those counts read from the archive file itself."""
import calendar
import contextlib
import json
import math
import sqlite3
import yaml
from prometheus_client.parser import text_string_to_metric_families

from demo_tests import run_demo, summary_number
from harness import *

BUCKETS_MS = [2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000]
SPAN_KINDS = {"SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2, "SPAN_KIND_CLIENT": 3, "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5}


# How well the SDK console exporter's times give a span's duration, ms: it prints each time rounded to
# the microsecond from a float of seconds (at most 0.12 µs off at today's epoch), so each time is
# within 0.62 µs and each duration within 1.24 µs.
CONSOLE_PRECISION_MS = 0.00125


def production_sampling_trellis(db):
    """The production example's tail sampling (waits shortened) into a store, and spanmetrics
    counting every span before it; the connector flushes each second."""
    with open(os.path.join(HERE, "..", "..", "config", "examples", "tail-sampling-production.yaml")) as f:
        sampling = yaml.safe_load(f)["processors"]["tail_sampling"]
    sampling.update(decision_wait="1s", decision_wait_after_root_received="500ms")
    return Trellis(exporter=store_exporter(db), exporter_name="trellis_store",
                   processors=f"\n  tail_sampling: {json.dumps(sampling)}\n  batch: {{ timeout: 100ms }}",
                   pipeline_processors="[tail_sampling, batch]",
                   connectors=SPANMETRICS, extra_pipelines=SPANMETRICS_PIPELINE)


def series(trellis):
    """The connector's samples, parsed by prometheus_client: {(metric sample name, frozen labels): value}."""
    status, _, body = http("GET", trellis.url("query", "/metrics"))
    assert status == 200, status
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        if family.name.startswith("traces_span_metrics"):
            for sample in family.samples:
                out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def archived_span_metrics(path):
    """The archive's span_metrics rows added up over their minutes: {(service, operation, kind number): (calls, errors)}."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {(s, o, k): (c, e) for s, o, k, c, e in db.execute(
            "SELECT service, operation, kind, sum(calls), sum(errors) FROM span_metrics GROUP BY service, operation, kind")}


def calls(samples, **labels):
    wanted = set(labels.items())
    return sum(v for (name, key), v in samples.items() if name == "traces_span_metrics_calls_total" and wanted <= key)


def console_spans(logs):
    """The spans the SDKs printed with their console exporter (beside OTLP): the truth to count against."""
    spans, decoder = [], json.JSONDecoder()
    for path in logs:
        with open(path) as f:
            text = f.read()
        at = text.find("{\n")
        while at != -1:
            span, end = decoder.raw_decode(text, at)
            if "context" in span and "kind" in span:
                spans.append(span)
            at = text.find("{\n", end)
    return spans


def iso_nanos(text):
    """The SDK console exporter's ISO times (microseconds) as Unix nanoseconds."""
    seconds = calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    return (seconds * 1_000_000 + int(text[20:26].ljust(6, "0"))) * 1000


def sdk_label_set(span):
    status = span["status"]["status_code"]
    return (span["resource"]["attributes"]["service.name"], span["name"], "SPAN_KIND_" + span["kind"].split(".")[1], f"STATUS_CODE_{status}")


@test
def spanmetrics_counts_every_sdk_span_exactly_with_exact_buckets_and_the_monitor_api_agrees(t):
    db = os.path.join(WORK, f"spanmetrics-{free_port()}", "trellis.db")
    trellis = production_sampling_trellis(db).start()
    try:
        services = Services({"OTEL_TRACES_EXPORTER": "otlp,console", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                             "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{trellis.ports['http']}"})
        try:
            sent = services.run_flows()
        finally:
            services.stop()
        truth = console_spans(services.logs)
        assert len(truth) == sent, (len(truth), sent)
        assert wait_until(lambda: calls(series(trellis)) >= sent), series(trellis)
        samples = series(trellis)
        expected = {}
        for span in truth:
            expected.setdefault(sdk_label_set(span), []).append((iso_nanos(span["end_time"]) - iso_nanos(span["start_time"])) / 1e6)
        for (service, name, kind, status), durations in expected.items():
            labels = dict(service_name=service, span_name=name, span_kind=kind, status_code=status)
            assert calls(samples, **labels) == len(durations), (labels, samples)
            key = frozenset(labels.items())
            buckets = {float(dict(k)["le"]): v for (n, k), v in samples.items()
                       if n == "traces_span_metrics_duration_milliseconds_bucket" and key <= k}
            assert sorted(buckets) == [float(b) for b in BUCKETS_MS] + [math.inf], buckets
            # A duration within the console's precision of a bucket bound may fall on either side of it.
            known = CONSOLE_PRECISION_MS
            for bound, got in buckets.items():
                surely, perhaps = sum(1 for d in durations if d <= bound - known), sum(1 for d in durations if d <= bound + known)
                assert surely <= got <= perhaps, (labels, bound, got, durations)
            assert abs(samples[("traces_span_metrics_duration_milliseconds_sum", key)] - sum(durations)) <= known * len(durations), labels
        # The error flow: demo-service's 500 and the node-service spans that saw it, each counted once as an error.
        errors = {k: len(v) for k, v in expected.items() if k[3] == "STATUS_CODE_ERROR"}
        assert errors and all(calls(samples, service_name=s, span_name=n, span_kind=k, status_code="STATUS_CODE_ERROR") == c
                              for (s, n, k, _), c in errors.items()), errors
        assert calls(samples) == sent

        # Jaeger's Monitor API, over what the connector flushed into the archive (each second).
        node = [(iso_nanos(s["end_time"]) - iso_nanos(s["start_time"])) / 1e6 for s in truth
                if sdk_label_set(s)[:1] == ("node-service",) and s["kind"] == "SpanKind.SERVER"]
        end_ms = (int(time.time()) // 60 + 2) * 60_000  # on a minute boundary: the 10-minute window reads exactly 10 minutes
        query = f"service=node-service&endTs={end_ms}&lookback=60000&step=60000&ratePer=600000"

        def monitor(route, parameters=query):
            status, headers, body = http("GET", trellis.url("query", f"/api/metrics/{route}?{parameters}"))
            assert status == 200 and headers.get("Content-Type") == "application/json", (status, body)
            answer = json.loads(body)
            validate_against_openapi(openapi_document(trellis), f"/api/metrics/{route}", 200, answer)
            return answer

        # Every flow started within the last point's 10-minute window; the connector flushes each second.
        last_rate = lambda: [m["metricPoints"][-1]["gaugeValue"]["doubleValue"] for m in monitor("calls")["metrics"]]
        assert wait_until(lambda: last_rate() == [len(node) / 600]), (last_rate(), len(node))
        rate = monitor("calls")
        assert rate["name"] == "service_call_rate" and rate["type"] == "GAUGE", rate
        [metric] = rate["metrics"]
        assert metric["labels"] == [{"name": "service_name", "value": "node-service"}]
        assert math.isclose(metric["metricPoints"][-1]["gaugeValue"]["doubleValue"], len(node) / 600, rel_tol=1e-9), metric
        p95 = monitor("latencies", query + "&quantile=0.95")["metrics"][0]["metricPoints"][-1]["gaugeValue"]["doubleValue"]
        true_p95 = sorted(node)[math.ceil(0.95 * len(node)) - 1]
        assert true_p95 - CONSOLE_PRECISION_MS <= p95 <= (true_p95 + CONSOLE_PRECISION_MS) * 1.125, (p95, true_p95, node)
        error_rate = monitor("errors", query + "&groupByOperation=true")
        by_operation = {m["labels"][1]["value"]: m["metricPoints"][-1]["gaugeValue"]["doubleValue"] for m in error_rate["metrics"]}
        simulate = [k for k in expected if k[:3] == ("node-service", "POST /api/simulate", "SPAN_KIND_SERVER")]
        errors_simulate = sum(len(expected[k]) for k in simulate if k[3] == "STATUS_CODE_ERROR")
        assert by_operation["POST /api/simulate"] == errors_simulate / sum(len(expected[k]) for k in simulate), by_operation
        assert monitor("minstep", "")["data"] == 60000
        status, _, body = http("GET", trellis.url("query", "/api/metrics/latencies?service=node-service&quantile=2"))
        assert status == 400 and b"quantile" in body, body
    finally:
        assert trellis.stop() == 0
    # The counts the connector flushed (each second, and at shutdown) are in the archive file itself.
    rows = {}
    for span in truth:
        service, name, kind, status = sdk_label_set(span)
        calls_so_far, errors_so_far = rows.get((service, name, SPAN_KINDS[kind]), (0, 0))
        rows[(service, name, SPAN_KINDS[kind])] = (calls_so_far + 1, errors_so_far + (status == "STATUS_CODE_ERROR"))
    assert archived_span_metrics(db) == rows


@test
def spanmetrics_counts_the_demo_spans_tail_sampling_drops(t):
    db = os.path.join(WORK, f"spanmetrics-demo-{free_port()}", "trellis.db")
    trellis = production_sampling_trellis(db).start()
    try:
        demo = run_demo("--endpoint", trellis.url("grpc", ""), "--protocol", "grpc", "--duration", "3s", "--rate", "40", "--seed", "21",
                        "--query-url", trellis.url("query", "/"))
        assert demo.returncode == 0, demo.stdout + demo.stderr
        sent = summary_number(demo.stdout, "spans sent")
        assert wait_until(lambda: calls(series(trellis)) >= sent), (calls(series(trellis)), sent)
        samples = series(trellis)
        assert calls(samples) == sent
        # Health checks: one span per probe, every one counted, none kept by the production policy.
        node_probes = summary_number(demo.stdout, "GET /health (node-service)")
        demo_probes = summary_number(demo.stdout, "GET /actuator/health (demo-service)")
        assert node_probes > 0 and calls(samples, service_name="node-service", span_name="GET /health") == node_probes
        assert calls(samples, service_name="demo-service", span_name="GET /actuator/health") == demo_probes
        # The error flow: its controller span threw once per trace.
        failures = summary_number(demo.stdout, "POST /api/simulate error")
        assert calls(samples, span_name="SimulateController.simulate", status_code="STATUS_CODE_ERROR") == failures
    finally:
        assert trellis.stop() == 0
    stored = archived_spans(db)
    assert stored and not [s for s in stored if s[1] in ("GET /health", "GET /actuator/health")]
    assert len(stored) < sent
    # The archive's counts have every span, the dropped ones too.
    assert sum(c for c, _ in archived_span_metrics(db).values()) == sent


@test
def spanmetrics_exponential_histogram_is_a_classic_histogram_prometheus_reads_exactly(t):
    trellis = Trellis(connectors="\n  spanmetrics: { histogram: { exponential: { max_size: 4 } } }", extra_pipelines=SPANMETRICS_PIPELINE).start()
    try:
        durations = [0.5, 1, 3, 7, 20, 250, 1200]  # ms: seven octaves apart fit 4 buckets at scale −2
        start = time.time_ns()
        spans = [{"traceId": f"{i + 1:032x}", "spanId": f"{i + 1:016x}", "name": "GET /", "kind": 2,
                  "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + int(ms * 1_000_000))} for i, ms in enumerate(durations)]
        request = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]},
                                      "scopeSpans": [{"spans": spans}]}]}
        status, _, body = http("POST", trellis.url("http", "/v1/traces"), json.dumps(request).encode(), {"Content-Type": "application/json"})
        assert status == 200, (status, body)
        samples = series(trellis)
        buckets = {float(dict(k)["le"]): v for (n, k), v in samples.items() if n == "traces_span_metrics_duration_milliseconds_bucket"}
        assert len(buckets) <= 4 + 2, buckets  # max_size buckets, the first one's lower bound, +Inf
        for bound, count in buckets.items():
            assert count == sum(1 for d in durations if d <= bound), (bound, count, buckets)
        assert sorted(buckets) == [0.0625, 1, 16, 256, 4096, math.inf], buckets
        [(_, total)] = [(k, v) for (n, k), v in samples.items() if n == "traces_span_metrics_duration_milliseconds_count"]
        [(_, summed)] = [(k, v) for (n, k), v in samples.items() if n == "traces_span_metrics_duration_milliseconds_sum"]
        assert total == len(durations) and math.isclose(summed, sum(durations)), (total, summed)
    finally:
        assert trellis.stop() == 0
