"""The end-to-end harness: a `trellis serve` process on free 127.0.0.1 ports, the demo
services under `opentelemetry-instrument`, and the `@test` registry the `*_tests.py` modules use."""
import contextlib
import gzip
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TRELLIS = os.environ["TRELLIS_BIN"]
VENV_BIN = os.path.dirname(sys.executable)
WORK = tempfile.mkdtemp(prefix="trellis-e2e-")
EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


def free_port(kind=socket.SOCK_STREAM):
    return free_ports(1, kind)[0]


def free_ports(count, kind=socket.SOCK_STREAM):
    """`count` distinct free ports: every socket stays bound until all are chosen, so the kernel
    cannot hand the same port out twice (which one at a time it may)."""
    sockets = [socket.socket(socket.AF_INET, kind) for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def http(method, url, body=None, headers=None, timeout=10):
    """Returns (status, headers, body) for any status, 4xx and 5xx included."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until(predicate, timeout=20.0, interval=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class Trellis:
    """A `trellis serve` process with its own ports and config."""

    started = []  # every instance started in this run, so the runner can stop what a test left running

    def __init__(self, max_body_mib=20, max_msg_mib=4, idle="2s", read_header="10s", queue_spans=65536, processors="", pipeline_processors="[]",
                 exporter="nop: {}", exporter_name="nop", query="", connectors="", extra_pipelines="", grpc_endpoint=None, launcher=()):
        """`grpc_endpoint` (host, port) replaces the OTLP/gRPC listener's; `launcher` is a command
        the server runs under (it must exec it, so the server keeps the PID the test stops)."""
        names = ("grpc", "http", "zipkin", "jaeger_grpc", "jaeger_http", "query")
        self.ports = dict(zip(names, free_ports(len(names))))
        grpc_host = "127.0.0.1"
        if grpc_endpoint:
            grpc_host, self.ports["grpc"] = grpc_endpoint
        self.launcher = list(launcher)
        self.ports["jaeger_udp"] = free_port(socket.SOCK_DGRAM)
        self.config = os.path.join(WORK, f"trellis-{self.ports['query']}.yaml")
        with open(self.config, "w") as f:
            f.write(f"""
receivers:
  otlp:
    protocols:
      grpc: {{ endpoint: {grpc_host}:{self.ports['grpc']}, max_recv_msg_size_mib: {max_msg_mib}, idle_timeout: {idle} }}
      http: {{ endpoint: 127.0.0.1:{self.ports['http']}, max_request_body_size_mib: {max_body_mib}, idle_timeout: {idle}, read_header_timeout: {read_header} }}
  zipkin: {{ endpoint: 127.0.0.1:{self.ports['zipkin']}, idle_timeout: {idle}, read_header_timeout: {read_header} }}
  jaeger:
    protocols:
      grpc: {{ endpoint: 127.0.0.1:{self.ports['jaeger_grpc']}, idle_timeout: {idle} }}
      thrift_http: {{ endpoint: 127.0.0.1:{self.ports['jaeger_http']}, idle_timeout: {idle} }}
      thrift_compact: {{ endpoint: 127.0.0.1:{self.ports['jaeger_udp']} }}
processors:{processors or " {}"}
exporters:
  {exporter}
connectors:{connectors or " {}"}
service:
  pipelines:
    traces: {{ receivers: [otlp, zipkin, jaeger], processors: {pipeline_processors}, exporters: [{exporter_name}], queue_spans: {queue_spans} }}
{extra_pipelines}query:
  endpoint: 127.0.0.1:{self.ports['query']}
{query}""")
        self.log_path = self.config + ".log"
        self.process = None

    def start(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(self.launcher + [TRELLIS, "serve", "--config", self.config], stdout=self.log, stderr=subprocess.STDOUT)
        Trellis.started.append(self)
        if not wait_until(lambda: self.ready() or self.process.poll() is not None, timeout=30):
            raise AssertionError("trellis did not become ready")
        if self.process.poll() is not None:
            raise AssertionError(f"trellis exited with {self.process.returncode}: {self.output()}")
        return self

    def ready(self):
        try:
            return http("GET", self.url("query", "/readyz"), timeout=1)[0] == 200
        except OSError:
            return False

    def url(self, port, path):
        return f"http://127.0.0.1:{self.ports[port]}{path}"

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def metrics(self):
        """Prometheus samples as {name{sorted labels}: value}."""
        status, _, body = http("GET", self.url("query", "/metrics"))
        assert status == 200, status
        samples = {}
        for line in body.decode().splitlines():
            if line and not line.startswith("#"):
                key, value = line.rsplit(" ", 1)
                samples[key] = float(value)
        return samples

    def metric(self, name, **labels):
        wanted = [f'{k}="{v}"' for k, v in labels.items()]
        total = 0.0
        for key, value in self.metrics().items():
            if key.split("{")[0] == name and all(w in key for w in wanted):
                total += value
        return total

    def stop(self, sig=signal.SIGTERM):
        self.process.send_signal(sig)
        code = self.process.wait(timeout=30)
        self.log.close()
        return code

    @classmethod
    def stop_leftovers(cls):
        """Stops, by PID, every instance of this run still running; returns their config paths."""
        left = [t for t in cls.started if t.process.poll() is None]
        for t in left:
            t.stop()
        return [t.config for t in left]


def _default_sigint():
    """A run started in the background ignores SIGINT, and children inherit that; Python then
    never raises KeyboardInterrupt, so `Services.stop` would wait out its timeout. Undo it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Services:
    """node-service → demo-service under opentelemetry-instrument, exporting with `exporter_env`."""

    def __init__(self, exporter_env):
        self.node_port, self.demo_port = free_port(), free_port()
        self.processes = []
        self.logs = []
        for name, port, app in (("demo-service", self.demo_port, "demo_service.py"), ("node-service", self.node_port, "node_service.py")):
            env = dict(os.environ)
            env.update(exporter_env)
            env.update({
                "OTEL_SERVICE_NAME": name,
                "OTEL_METRICS_EXPORTER": "none",
                "OTEL_LOGS_EXPORTER": "none",
                "OTEL_BSP_SCHEDULE_DELAY": "100",
                "PORT": str(port),
                "DEMO_SERVICE_URL": f"http://127.0.0.1:{self.demo_port}",
            })
            self.logs.append(os.path.join(WORK, f"{name}-{port}.log"))
            log = open(self.logs[-1], "w")
            self.processes.append(subprocess.Popen(
                [os.path.join(VENV_BIN, "opentelemetry-instrument"), os.path.join(VENV_BIN, "python"), os.path.join(HERE, "apps", app)],
                env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_default_sigint))
        for port in (self.demo_port, self.node_port):
            if not wait_until(lambda: self._up(port), timeout=30):
                raise AssertionError(f"service on port {port} did not start")

    def _up(self, port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    def run_flows(self):
        """The demo flows; returns how many spans the SDKs will export (3 per request)."""
        base = f"http://127.0.0.1:{self.node_port}"
        requests_made = 0
        for name in ("alice", "bob", "carol"):
            assert http("GET", f"{base}/api/greeting?name={name}")[0] == 200
            requests_made += 1
        assert http("POST", f"{base}/api/simulate", json.dumps({"scenario": "slow"}).encode(), {"Content-Type": "application/json"})[0] == 200
        requests_made += 1
        assert http("POST", f"{base}/api/simulate", json.dumps({"scenario": "error"}).encode(), {"Content-Type": "application/json"})[0] == 500
        requests_made += 1
        return requests_made * 3

    def stop(self):
        """SIGINT lets the SDK's batch processor flush at exit."""
        for p in reversed(self.processes):
            p.send_signal(signal.SIGINT)
        for p in self.processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def store_exporter(db=None, clickhouse=None, table_prefix="trellis_"):
    """A `trellis_store` exporter entry archiving to the SQLite file `db`, or with `clickhouse`
    (a `ClickHouseNode`) to ClickHouse through that node: the cluster `trellis` when the node
    has shards, else the node's own tables."""
    if clickhouse:
        cluster = ", cluster: trellis" if clickhouse.shard_ports else ""
        archive = f"clickhouse: {{ endpoint: '{clickhouse.endpoint}', database: trellis, table_prefix: {table_prefix}{cluster} }}"
    else:
        archive = f"path: {db}"
    return f"trellis_store: {{ ring: {{ max_bytes: 64MiB }}, archive: {{ {archive}, retention: 24h }} }}"


class ClickHouseNode:
    """A ClickHouse server (scripts/clickhouse-node) on free loopback ports, its files under WORK.
    `shard_ports` are the TCP ports of the cluster `trellis`'s shards (this node's among them)."""

    def __init__(self, tcp_port, http_port, shard_ports):
        self.tcp_port, self.http_port, self.shard_ports = tcp_port, http_port, shard_ports
        self.endpoint = f"http://127.0.0.1:{http_port}"
        self.directory = os.path.join(WORK, f"clickhouse-{http_port}")
        self.process = None

    @staticmethod
    def cluster(shards):
        """`shards` nodes, each listing all of them as the shards of the cluster `trellis`."""
        ports = free_ports(2 * shards)
        tcp = ports[:shards]
        return [ClickHouseNode(tcp[i], ports[shards + i], tcp).start() for i in range(shards)]

    @staticmethod
    def single():
        """One node with no cluster."""
        tcp, http_port = free_ports(2)
        return ClickHouseNode(tcp, http_port, []).start()

    def migrate(self, trellis):
        """`trellis clickhouse migrate` with `trellis`'s config, on this node (and its shards' nodes: pass each)."""
        result = subprocess.run([TRELLIS, "clickhouse", "migrate", "--config", trellis.config, "--endpoint", self.endpoint],
                                capture_output=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self):
        script = os.path.join(HERE, "..", "..", "scripts", "clickhouse-node")
        # The script stops the server if this process dies first.
        env = dict(os.environ, WATCH_PID=str(os.getpid()))
        self.process = subprocess.Popen([script, self.directory, str(self.http_port), str(self.tcp_port)] + [str(p) for p in self.shard_ports],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(lambda: self.ping() or self.process.poll() is not None, timeout=60) or self.process.poll() is not None:
            raise AssertionError(f"clickhouse-server did not start: {self.directory}/error.log")
        return self

    def ping(self):
        try:
            return http("GET", self.endpoint + "/ping", timeout=1)[2] == b"Ok.\n"
        except OSError:
            return False

    def query(self, sql):
        """The answer's rows, as lists of tab-separated fields."""
        status, _, body = http("POST", self.endpoint + "/", sql.encode(), timeout=30)
        assert status == 200, (status, body[:2000])
        return [line.split("\t") for line in body.decode().splitlines()]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


# The spanmetrics connector as the default config has it (flushing each second) and its pipeline.
SPANMETRICS = "\n  spanmetrics: { metrics_flush_interval: 1s }"
SPANMETRICS_PIPELINE = "    traces/spanmetrics: { receivers: [otlp, zipkin, jaeger], exporters: [spanmetrics] }\n"


def storing_trellis(db=None, clickhouse=None, table_prefix="trellis_", **options):
    """A Trellis like the default config, with short waits: tail sampling keeps every trace (so a
    trace's spans from both services reach the store together), then batches (100 ms) into
    `trellis_store` archiving to `db` (or ClickHouse, see `store_exporter`); the spanmetrics
    connector counts beside it, flushing each second (not started)."""
    return Trellis(exporter=store_exporter(db, clickhouse, table_prefix), exporter_name="trellis_store", processors="""
  tail_sampling: { decision_wait: 2s, decision_wait_after_root_received: 500ms, policies: [{ name: keep-all, type: always_sample }] }
  batch: { send_batch_size: 1000, timeout: 100ms }""", pipeline_processors="[tail_sampling, batch]",
                   connectors=SPANMETRICS, extra_pipelines=SPANMETRICS_PIPELINE, **options)


def run_flows_into(trellis):
    """Runs the demo flows with the SDKs' OTLP/HTTP exporter pointed at `trellis`; returns the spans they export."""
    services = Services({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
                         "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{trellis.ports['http']}"})
    try:
        return services.run_flows()
    finally:
        services.stop()


_openapi = {}


def openapi_document(trellis, headers=None):
    """The OpenAPI document `trellis` serves, checked against the OpenAPI 3.1 schema once."""
    from openapi_spec_validator import validate as validate_openapi_document
    if "document" not in _openapi:
        status, _, body = http("GET", trellis.url("query", "/api/openapi.json"), headers=headers)
        assert status == 200, (status, body)
        document = json.loads(body)
        validate_openapi_document(document)
        _openapi["document"] = document
    return _openapi["document"]


def validate_against_openapi(document, path, status, body):
    """Finds the path's template in the document and validates the body with its response schema."""
    from jsonschema import Draft202012Validator
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")) + "$"
        if re.match(pattern, path):
            response = item["get"]["responses"][str(status)]
            if "$ref" in response:
                pointer, response = response["$ref"], document
                for part in pointer[2:].split("/"):
                    response = response[part]
            schema = dict(document)
            schema["$ref"] = "#/components/schemas/_response"
            schema["components"] = dict(document["components"], schemas=dict(document["components"]["schemas"], _response=response["content"]["application/json"]["schema"]))
            Draft202012Validator(schema).validate(body)
            return
    raise AssertionError(f"{path} is not in the OpenAPI document")


def archived_spans(path):
    """Every span in the SQLite archive, decoded from its gzip-compressed OTLP chunks: (service, name, kind, trace, span, parent)."""
    import sqlite3
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
    spans = []
    # closing(): sqlite3's own context manager commits but leaves the file open.
    with contextlib.closing(sqlite3.connect(path)) as db:
        for (data,) in db.execute("SELECT data FROM chunks"):
            request = trace_service_pb2.ExportTraceServiceRequest.FromString(gzip.decompress(data))
            for rs in request.resource_spans:
                service = next(kv.value.string_value for kv in rs.resource.attributes if kv.key == "service.name")
                for ss in rs.scope_spans:
                    spans += [(service, s.name, s.kind, s.trace_id.hex(), s.span_id.hex(), s.parent_span_id.hex()) for s in ss.spans]
    return spans


class H2:
    """A raw HTTP/2 client connection (python-h2), for frames real gRPC clients never send."""

    def __init__(self, port):
        import h2.config
        import h2.connection
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        self.conn.initiate_connection()
        self.sock.sendall(self.conn.data_to_send())

    def call(self, path, payload, extra_headers=()):
        import h2.events
        stream = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream, [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "trellis"),
                                        ("content-type", "application/grpc"), ("te", "trailers"), *extra_headers])
        for at in range(0, len(payload), 16384):  # the default SETTINGS_MAX_FRAME_SIZE
            self.conn.send_data(stream, payload[at:at + 16384])
        self.conn.end_stream(stream)
        self.sock.sendall(self.conn.data_to_send())
        headers = {}
        while True:
            data = self.sock.recv(65536)
            if not data:
                raise AssertionError("connection closed before the call ended")
            for event in self.conn.receive_data(data):
                if isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
                    headers.update({k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v for k, v in event.headers})
                if isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)) and event.stream_id == stream:
                    self.sock.sendall(self.conn.data_to_send())
                    return headers
            self.sock.sendall(self.conn.data_to_send())


TESTS = []


def test(function):
    TESTS.append(function)
    return function


def sdk_flow(trellis, exporter_env, receiver, transport):
    before = trellis.metric("trellis_receiver_accepted_spans_total", receiver=receiver, transport=transport)
    services = Services(exporter_env)
    try:
        expected = services.run_flows()
    finally:
        services.stop()
    assert wait_until(lambda: trellis.metric("trellis_receiver_accepted_spans_total", receiver=receiver, transport=transport) - before >= expected), \
        f"accepted {trellis.metric('trellis_receiver_accepted_spans_total', receiver=receiver, transport=transport) - before} of {expected} spans"
    time.sleep(0.5)
    got = trellis.metric("trellis_receiver_accepted_spans_total", receiver=receiver, transport=transport) - before
    assert got == expected, f"accepted {got} spans, the SDKs sent {expected}"
    assert trellis.metric("trellis_receiver_refused_spans_total") == 0
    assert trellis.metric("trellis_receiver_rejected_spans_total", receiver=receiver) == 0
