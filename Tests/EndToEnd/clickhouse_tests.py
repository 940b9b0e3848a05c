"""The shared archive on ClickHouse: two ClickHouse servers as the two shards of the cluster
`trellis` (Distributed tables sharded by trace ID), a gateway Trellis routing by trace ID to three
sampler Trellis processes that tail-sample with the production example's policies into it, and a
query-only Trellis reading it."""
from cluster_tests import gateway, loadgen
from harness import *

PRODUCTION_SAMPLING = """
  tail_sampling:
    decision_wait: 2s
    decision_wait_after_root_received: 500ms
    policies:
      - { name: drop-health-checks, type: drop, drop: { drop_sub_policy: [{ name: health, type: string_attribute, string_attribute: { key: http.route, values: ['/health', '/actuator/health'] } }] } }
      - { name: errors, type: status_code, status_code: { status_codes: [ERROR] } }
      - { name: slow, type: latency, latency: { threshold_ms: 500 } }
      - { name: sample-rest, type: probabilistic, probabilistic: { sampling_percentage: 10 } }
  batch: { send_batch_size: 1000, timeout: 100ms }"""


def sampler(node):
    return Trellis(exporter=store_exporter(clickhouse=node), exporter_name="trellis_store", processors=PRODUCTION_SAMPLING,
                   pipeline_processors="[tail_sampling, batch]", connectors=SPANMETRICS, extra_pipelines=SPANMETRICS_PIPELINE)


def query_only(node):
    """A Trellis with no receivers and no pipelines: its query API reads the ClickHouse archive."""
    trellis = Trellis()
    with open(trellis.config, "w") as f:
        f.write(f"""exporters:
  {store_exporter(clickhouse=node)}
query:
  endpoint: 127.0.0.1:{trellis.ports['query']}
  storage: trellis_store
""")
    return trellis.start()


def stored_spans(node):
    """Every span in the archive, read through `node`'s Distributed table: {trace: [(service, kind, span, parent, start µs)]}."""
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    traces = {}
    for trace, payload in node.query("SELECT hex(trace_id), hex(payload) FROM trellis.trellis_spans FORMAT TabSeparated"):
        request = trace_service_pb2.ExportTraceServiceRequest.FromString(bytes.fromhex(payload))
        for rs in request.resource_spans:
            service = next(kv.value.string_value for kv in rs.resource.attributes if kv.key == "service.name")
            for ss in rs.scope_spans:
                traces.setdefault(trace.lower(), []).extend((service, s.kind, s.span_id.hex(), s.parent_span_id.hex(), s.start_time_unix_nano // 1000)
                                                            for s in ss.spans)
    return traces


@test
def samplers_store_whole_traces_in_clickhouse_sharded_by_trace_and_a_query_instance_reads_them(t):
    nodes, tier, front, reader = [], [], None, None
    try:
        nodes = ClickHouseNode.cluster(2)
        for n in nodes:
            n.migrate(sampler(nodes[0]))
        tier = [sampler(nodes[i % 2]).start() for i in range(3)]
        front = gateway(tier)
        # The query instance starts before any span is sent: what it finds is ClickHouse's, none
        # of it written by this process.
        reader = query_only(nodes[1])
        time.sleep(0.01)
        after_reader_start_us = int(time.time() * 1_000_000)
        sdk = run_flows_into(front)
        demo = subprocess.run([TRELLIS, "demo", "--endpoint", front.url("grpc", ""), "--duration", "3s", "--rate", "40", "--seed", "17"],
                              capture_output=True, timeout=60)
        assert demo.returncode == 0, demo.stdout + demo.stderr
        load = loadgen(front, "--duration", "2s", "--rate", "1000", "--spans-per-trace", "10", "--spans-per-request", "50", "--seed", "33")
        assert load["spans_failed"] == 0 and load["spans_refused"] == 0, load

        def settled():
            buffered = sum(s.metric("trellis_processor_tail_sampling_buffered_traces") for s in tier)
            stored = sum(s.metric("trellis_exporter_sent_spans_total", exporter="trellis_store") for s in tier)
            in_clickhouse = int(nodes[0].query("SELECT sum(span_count) FROM trellis.trellis_spans")[0][0])
            return buffered == 0 and stored > 0 and in_clickhouse == stored
        assert wait_until(settled, timeout=40), [s.metrics() for s in tier]
        assert front.metric("trellis_exporter_sent_spans_total", exporter="loadbalancing") >= sdk + load["spans_accepted"]

        traces = stored_spans(nodes[0])
        # Each trace's rows are on one shard, as the Distributed tables shard by trace ID.
        shards = [{row[0].lower() for row in n.query("SELECT DISTINCT hex(trace_id) FROM trellis.trellis_spans_local")} for n in nodes]
        assert shards[0] and shards[1] and not shards[0] & shards[1] and shards[0] | shards[1] == set(traces)
        # Tail sampling decided each trace on one sampler: what it kept is whole, every parent
        # present, and every load generator trace has its 10 spans.
        for trace, spans in traces.items():
            ids = {span for _, _, span, _, _ in spans}
            assert len(ids) == len(spans), trace
            assert all(parent == "" or parent in ids for _, _, _, parent, _ in spans), (trace, spans)
        # (Only the load generator's synthetic traces reach checkout, inventory and payments.)
        loadgen_counts = [len(spans) for spans in traces.values() if any(span[0] in ("checkout", "inventory", "payments") for span in spans)]
        assert loadgen_counts and set(loadgen_counts) == {10}, loadgen_counts[:20]

        # Complete traces from the query instance, as ClickHouse has them.
        for trace in sorted(traces)[:25]:
            status, _, body = http("GET", reader.url("query", f"/api/traces/{trace}"))
            assert status == 200, (status, body[:500])
            spans = json.loads(body)["data"][0]["spans"]
            assert sorted(s["spanID"] for s in spans) == sorted(span for _, _, span, _, _ in traces[trace])
        # A range that starts after the query instance did, too: its ring must not answer alone.
        for search, since in (("lookback=1h", 0), (f"start={after_reader_start_us}", after_reader_start_us)):
            expected = {trace for trace, spans in traces.items() if any(s[0] == "demo-service" and s[4] >= since for s in spans)}
            status, _, body = http("GET", reader.url("query", f"/api/traces?service=demo-service&limit=1000&{search}"))
            found = json.loads(body)["data"]
            assert status == 200 and expected and {t["traceID"] for t in found} == expected, (search, status, len(found), len(expected))
        # The dependency graph counts a call for each span whose parent is another service's.
        calls = 0
        for spans in traces.values():
            service_of = {span: service for service, _, span, _, _ in spans}
            calls += sum(1 for service, _, _, parent, _ in spans if service == "demo-service" and service_of.get(parent) == "node-service")
        assert calls > 0
        end_ms = int(time.time() * 1000) + 60_000
        status, _, body = http("GET", reader.url("query", f"/api/dependencies?endTs={end_ms}&lookback=3600000"))
        links = {(d["parent"], d["child"]): d["callCount"] for d in json.loads(body)["data"]}
        assert status == 200 and links.get(("node-service", "demo-service")) == calls, (links, calls)
    finally:
        if reader:
            assert reader.stop() == 0
        for s in tier:
            assert s.stop() == 0
        if front:
            assert front.stop() == 0
        for n in nodes:
            assert n.stop() == 0
