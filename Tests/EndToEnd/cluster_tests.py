"""Past one machine, the front tier: a gateway Trellis whose `loadbalancing` exporter routes by
trace ID over OTLP/gRPC to three sampler Trellis processes (tail sampling into their own
archives), fed by the OpenTelemetry SDK flows and the load generator; then one sampler is killed
with SIGKILL mid-run, the samplers storing into ClickHouse."""
from harness import *


def samplers(count):
    out = []
    for i in range(count):
        db = os.path.join(WORK, f"sampler-{i}-{free_port()}", "trellis.db")
        out.append((storing_trellis(db).start(), db))
    return out


def gateway(backends, max_elapsed="2s"):
    hostnames = ", ".join(f"127.0.0.1:{b.ports['grpc']}" for b in backends)
    return Trellis(exporter=f"""loadbalancing:
    routing_key: traceID
    protocol: {{ otlp: {{ timeout: 2s, retry_on_failure: {{ initial_interval: 100ms, max_interval: 400ms, max_elapsed_time: {max_elapsed} }} }} }}
    resolver: {{ static: {{ hostnames: [{hostnames}] }} }}""", exporter_name="loadbalancing").start()


def loadgen(trellis, *args):
    result = subprocess.run([TRELLIS, "loadgen", "--endpoint", trellis.url("grpc", ""), "--json", *args], capture_output=True, timeout=120)
    assert result.returncode == 0 or b"spans_accepted" in result.stdout, result.stdout + result.stderr
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


@test
def the_gateway_routes_every_span_of_a_trace_to_one_sampler(t):
    tier = samplers(3)
    front = gateway([s for s, _ in tier])
    try:
        sdk = run_flows_into(front)  # each request's spans and the other service's spans of one trace come separately
        load = loadgen(front, "--duration", "2s", "--rate", "3000", "--spans-per-trace", "10", "--spans-per-request", "50", "--seed", "31")
        assert load["spans_failed"] == 0 and load["spans_refused"] == 0, load
        sent = sdk + load["spans_accepted"]
        assert wait_until(lambda: sum(s.metric("trellis_exporter_sent_spans_total", exporter="trellis_store") for s, _ in tier) >= sent,
                          timeout=30), [s.metric("trellis_exporter_sent_spans_total") for s, _ in tier]
        assert front.metric("trellis_exporter_sent_spans_total", exporter="loadbalancing") == sent
    finally:
        for s, _ in tier:
            assert s.stop() == 0
        assert front.stop() == 0
    traces = [{} for _ in tier]
    for i, (_, db) in enumerate(tier):
        for span in archived_spans(db):
            traces[i][span[3]] = traces[i].get(span[3], 0) + 1
    assert all(traces), [len(x) for x in traces]  # every sampler got a share
    for i in range(3):
        for j in range(i + 1, 3):
            assert not set(traces[i]) & set(traces[j]), "a trace reached two samplers"
    assert sum(sum(x.values()) for x in traces) == sent
    # The SDK flows' traces hold spans from both services, sent in separate requests, all on one sampler.
    both = [trace for x in traces for trace, count in x.items() if count == 3]
    assert len(both) >= 5, both


@test
def after_a_sampler_is_killed_and_dns_drops_it_the_gateway_reroutes_with_no_failed_request(t):
    """Three samplers on 127.0.0.2-4 with one port, named by one host name in a hosts file the
    gateway alone sees (its own mount namespace, `unshare`); the DNS resolver re-reads it every
    200 ms. The samplers store into one ClickHouse server, each in tables of its own prefix, so
    what each stored can be counted. Mid-run one sampler is killed with SIGKILL and its line
    leaves the file."""
    port = free_port()
    hosts = os.path.join(WORK, f"hosts-{port}")
    addresses = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    with open(hosts, "w") as f:
        f.write("".join(f"{a} samplers.trellis.test\n" for a in addresses))
    node = ClickHouseNode.single()  # stopped below; its script stops it too if this process dies first
    tier = []
    for i, a in enumerate(addresses):
        sampler = storing_trellis(clickhouse=node, table_prefix=f"s{i}_", grpc_endpoint=(a, port))
        node.migrate(sampler)
        tier.append((sampler.start(), f"trellis.s{i}_spans_local"))
    front = Trellis(exporter=f"""loadbalancing:
    protocol: {{ otlp: {{ timeout: 2s, retry_on_failure: {{ initial_interval: 100ms, max_interval: 400ms, max_elapsed_time: 10s }} }} }}
    resolver: {{ dns: {{ hostname: samplers.trellis.test, port: {port}, interval: 200ms, timeout: 1s }} }}""", exporter_name="loadbalancing",
                    idle="30s", launcher=["unshare", "--mount", "--propagation", "private", "sh", "-c", f'mount --bind {hosts} /etc/hosts && exec "$0" "$@"']).start()
    victim = tier[2][0]
    try:
        assert wait_until(lambda: "loadbalancing backends changed" in front.output()), front.output()[-2000:]
        runner = subprocess.Popen([TRELLIS, "loadgen", "--endpoint", front.url("grpc", ""), "--json", "--duration", "4s", "--rate", "2000",
                                   "--spans-per-trace", "10", "--spans-per-request", "10", "--seed", "32"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        victim.process.kill()  # SIGKILL, by PID
        victim.process.wait(timeout=10)
        with open(hosts, "r+") as f:  # in place: the bind mount holds this inode
            f.truncate(0)
            f.write("".join(f"{a} samplers.trellis.test\n" for a in addresses[:2]))
        out, err = runner.communicate(timeout=120)
        load = json.loads(out.decode().strip().splitlines()[-1])
        # The gateway retried the dead sampler's traces until DNS dropped it, then sent them to the others: nothing refused.
        assert load["spans_failed"] == 0 and load["spans_refused"] == 0 and load["spans_accepted"] > 0, (load, err[-2000:])
        assert front.output().count("loadbalancing backends changed") == 2, front.output()[-3000:]
        survivors = tier[:2]
        delivered = {s.ports["query"]: front.metric("trellis_exporter_loadbalancing_backend_spans_total", backend=f"{a}:{port}")
                     for (s, _), a in zip(survivors, addresses)}
        assert all(delivered.values()), delivered
        assert wait_until(lambda: all(s.metric("trellis_exporter_sent_spans_total", exporter="trellis_store") >= delivered[s.ports["query"]]
                                      for s, _ in survivors), timeout=30)
    finally:
        for s, _ in tier[:2]:
            assert s.stop() == 0
        victim.log.close()
        assert front.stop() == 0
    try:
        # What the gateway saw acknowledged by a surviving sampler is in that sampler's tables.
        for s, table in tier[:2]:
            stored = int(node.query(f"SELECT sum(span_count) FROM {table}")[0][0])
            assert stored == delivered[s.ports["query"]], (stored, delivered)
    finally:
        assert node.stop() == 0
