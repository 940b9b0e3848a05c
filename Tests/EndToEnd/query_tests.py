"""The query API on the query port: the Python SDK's demo flows stored by `trellis_store`, then
read back over HTTP through Jaeger's /api and /api/v3; every answer is checked against the
OpenAPI document the server serves."""
import re
import urllib.parse

from jsonschema import Draft202012Validator

from harness import *

TOKEN = "e2e-query-token"
_stack = {}


def stored_flows():
    """One Trellis with the store, fed the demo flows once; shared by the tests of this module."""
    if "trellis" not in _stack:
        trellis = storing_trellis(os.path.join(WORK, f"query-{free_port()}", "trellis.db")).start()
        expected = run_flows_into(trellis)
        assert wait_until(lambda: trellis.metric("trellis_exporter_sent_spans_total") >= expected), trellis.output()
        _stack["trellis"] = trellis
    return _stack["trellis"]


def api(trellis, target, expected_status=200, headers=None):
    """GET on the query port; checks the status and validates the JSON answer against the OpenAPI document."""
    status, reply_headers, body = http("GET", trellis.url("query", target), headers=headers)
    assert status == expected_status, (target, status, body)
    assert reply_headers.get("Content-Type") == "application/json", reply_headers
    document = json.loads(body)
    auth = {"Authorization": f"Bearer {TOKEN}"} if headers and "Authorization" in headers else None
    validate_against_openapi(openapi_document(trellis, auth), urllib.parse.urlsplit(target).path, status, document)
    return document


def tags(span):
    return {t["key"]: t["value"] for t in span["tags"]}


@test
def query_api_lists_both_sdk_services(t):
    trellis = stored_flows()
    assert api(trellis, "/api/services")["data"] == ["demo-service", "node-service"]
    assert api(trellis, "/api/v3/services")["services"] == ["demo-service", "node-service"]
    operations = api(trellis, "/api/operations?service=node-service&spanKind=server")["data"]
    assert {"name": "GET /api/greeting", "spanKind": "server"} in operations, operations
    assert "GET /api/greeting" in api(trellis, "/api/services/demo-service/operations")["data"]


@test
def search_by_service_finds_every_flow_trace(t):
    trellis = stored_flows()
    assert wait_until(lambda: api(trellis, "/api/traces?service=node-service&limit=20")["total"] == 5)
    found = api(trellis, "/api/traces?service=node-service&operation=GET%20/api/greeting&lookback=1h")
    assert found["total"] == 3 and found["errors"] is None, found["total"]
    slow = api(trellis, "/api/traces?service=demo-service&minDuration=200ms")
    assert [s["operationName"] for s in slow["data"][0]["spans"]] == ["POST /api/simulate", "POST", "POST /api/simulate"], slow


@test
def greeting_trace_has_node_server_then_client_then_demo_server(t):
    trellis = stored_flows()
    trace_id = api(trellis, "/api/traces?service=node-service&operation=GET%20/api/greeting&limit=1")["data"][0]["traceID"]
    trace = api(trellis, f"/api/traces/{trace_id}")["data"][0]
    by_id = {s["spanID"]: s for s in trace["spans"]}
    demo = [s for s in trace["spans"] if trace["processes"][s["processID"]]["serviceName"] == "demo-service"]
    assert len(demo) == 1 and len(trace["spans"]) == 3, trace
    client = by_id[demo[0]["references"][0]["spanID"]]
    server = by_id[client["references"][0]["spanID"]]
    assert demo[0]["references"][0]["refType"] == "CHILD_OF" and client["references"][0]["refType"] == "CHILD_OF"
    assert server["references"] == []
    chain = [(trace["processes"][s["processID"]]["serviceName"], tags(s)["span.kind"]) for s in (server, client, demo[0])]
    assert chain == [("node-service", "server"), ("node-service", "client"), ("demo-service", "server")], chain
    assert [s["spanID"] for s in trace["spans"]] == [server["spanID"], client["spanID"], demo[0]["spanID"]]


@test
def error_flow_spans_carry_error_and_status_code(t):
    trellis = stored_flows()
    found = api(trellis, "/api/traces?service=node-service&tags=" + urllib.parse.quote('{"error":"true"}'))
    assert found["total"] == 1, found
    spans = found["data"][0]["spans"]
    failed = [s for s in spans if tags(s).get("otel.status_code") == "ERROR"]
    assert len(failed) >= 2, [tags(s) for s in spans]
    for span in failed:
        assert tags(span)["error"] is True, tags(span)
    assert {s["operationName"] for s in failed} >= {"POST /api/simulate"}
    assert api(trellis, "/api/traces?service=demo-service&tag=http.status_code:500")["total"] == 1


@test
def api_v3_returns_the_trace_as_otlp_json(t):
    trellis = stored_flows()
    trace_id = api(trellis, "/api/traces?service=demo-service&limit=1")["data"][0]["traceID"]
    result = api(trellis, f"/api/v3/traces/{trace_id}")["result"]
    spans = [(rs, s) for rs in result["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
    assert len(spans) == 3 and all(s["traceId"] == trace_id for _, s in spans), spans
    services = {a["value"]["stringValue"] for rs, _ in spans for a in rs["resource"]["attributes"] if a["key"] == "service.name"}
    assert services == {"node-service", "demo-service"}
    now = time.time()
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    search = api(trellis, f"/api/v3/traces?query.service_name=demo-service&query.start_time_min={iso(now - 3600)}&query.start_time_max={iso(now + 60)}")
    assert len({s["traceId"] for rs in search["result"]["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]}) == 5
    missing = api(trellis, "/api/v3/traces/" + "ab" * 16, expected_status=404)
    assert missing == {"error": {"httpCode": 404, "message": f"trace {'ab' * 16} not found"}}


@test
def bad_query_parameters_are_400_saying_what_is_wrong(t):
    trellis = stored_flows()
    cases = {
        "/api/traces": "parameter 'service' is required",
        "/api/traces?service=node-service&minDuration=soon": "parameter 'minDuration': 'soon' is not a duration; write it like 100ms, 1.5s, 2m or 500us",
        "/api/traces?service=node-service&start=5&end=1": "parameter 'start' is greater than 'end'; the range is empty",
        "/api/traces?service=node-service&limit=-3": "parameter 'limit': '-3' is not a positive integer",
        "/api/traces/12345": "parameter 'traceID': '12345' is not a trace ID; write 32 hex digits (or 16), not all zeros",
    }
    for target, message in cases.items():
        assert api(trellis, target, expected_status=400)["errors"] == [{"code": 400, "msg": message}], target
    v3 = api(trellis, "/api/v3/traces?query.service_name=node-service", expected_status=400)
    assert v3 == {"error": {"httpCode": 400, "message": "parameter 'query.startTimeMin' is required"}}
    status, _, body = http("GET", trellis.url("query", "/api/no/such/route"))
    assert (status, json.loads(body)["errors"]) == (404, [{"code": 404, "msg": "no route for /api/no/such/route"}]), body


@test
def query_auth_needs_the_bearer_token_and_leaves_health_open(t):
    token_file = os.path.join(WORK, f"token-{free_port()}")
    with open(token_file, "w") as f:
        f.write(TOKEN + "\n")
    db = os.path.join(WORK, f"secured-{free_port()}", "trellis.db")
    secured = Trellis(exporter=store_exporter(db), exporter_name="trellis_store",
                      query=f"  auth: {{ bearer_token_file: {token_file} }}\n").start()
    try:
        status, headers, body = http("GET", secured.url("query", "/api/services"))
        assert status == 401 and headers.get("WWW-Authenticate") == 'Bearer realm="trellis"', (status, headers)
        assert json.loads(body)["errors"] == [{"code": 401, "msg": "this API needs a bearer token: send 'Authorization: Bearer <token>' (browsers: log in at /login)"}]
        assert http("GET", secured.url("query", "/api/services"), headers={"Authorization": "Bearer wrong"})[0] == 401
        assert http("GET", secured.url("query", "/api/openapi.json"))[0] == 401
        assert http("GET", secured.url("query", "/healthz"))[0] == 200
        assert http("GET", secured.url("query", "/metrics"))[0] == 200
        authorized = {"Authorization": f"Bearer {TOKEN}"}
        assert api(secured, "/api/services", headers=authorized) == {"data": [], "total": 0, "limit": 0, "offset": 0, "errors": None}
        assert api(secured, "/api/v3/services", headers=authorized) == {"services": []}
    finally:
        assert secured.stop() == 0


@test
def dependencies_show_node_service_calling_demo_service_once_per_request(t):
    trellis = stored_flows()
    jaeger = api(trellis, f"/api/dependencies?endTs={int(time.time() * 1000) + 60000}&lookback=3600000")
    assert jaeger["data"] == [{"parent": "node-service", "child": "demo-service", "callCount": 5}], jaeger
    graph = api(trellis, "/api/dependencies/graph")
    [edge] = graph["edges"]
    assert (edge["parent"], edge["child"], edge["callCount"], edge["errorCount"]) == ("node-service", "demo-service", 5, 1), edge
    assert 0 < edge["p50"] <= edge["p99"], edge
    nodes = {n["service"]: n for n in graph["nodes"]}
    assert (nodes["node-service"]["spanCount"], nodes["demo-service"]["spanCount"]) == (10, 5), nodes
    assert nodes["demo-service"]["errorRate"] == 0.2 and not nodes["demo-service"]["virtual"], nodes
    assert api(trellis, "/api/dependencies/graph?service=no-such-service") == {"nodes": [], "edges": []}
    assert api(trellis, "/api/dependencies/graph?start=5&end=1", expected_status=400)["errors"] == [
        {"code": 400, "msg": "parameter 'start' is greater than 'end'; the range is empty"}]


@test
def greeting_timeline_and_critical_path_run_through_both_services(t):
    trellis = stored_flows()
    trace_id = api(trellis, "/api/traces?service=node-service&operation=GET%20/api/greeting&limit=1")["data"][0]["traceID"]
    timeline = api(trellis, f"/api/traces/{trace_id}/timeline")
    shape = [(s["depth"], s["service"], s["kind"]) for s in timeline["spans"]]
    assert shape == [(0, "node-service", "server"), (1, "node-service", "client"), (2, "demo-service", "server")], shape
    assert timeline["spanCount"] == 3 and timeline["errorCount"] == 0
    assert timeline["services"] == [{"service": "demo-service", "spanCount": 1}, {"service": "node-service", "spanCount": 2}]
    assert all(s["onCriticalPath"] for s in timeline["spans"])
    root = timeline["spans"][0]
    assert root["offset"] == 0 and root["duration"] == timeline["duration"] and root["selfTime"] < root["duration"]
    path = api(trellis, f"/api/traces/{trace_id}/critical-path")
    sections = path["sections"]
    assert sections[0]["start"] == timeline["start"] and sections[-1]["end"] == timeline["start"] + timeline["duration"], sections
    assert all(a["end"] == b["start"] for a, b in zip(sections, sections[1:])), sections
    assert {s["spanID"] for s in sections} == {s["spanID"] for s in timeline["spans"]}
    assert sum(s["selfTimeOnPath"] for s in path["spans"]) == timeline["duration"]
    assert api(trellis, "/api/traces/" + "cd" * 16 + "/timeline", expected_status=404)["errors"] == [
        {"code": 404, "msg": f"trace {'cd' * 16} not found"}]


def v3_schema(name):
    """A definition of schemas/api_v3.schema.json, written here from jaeger-idl's api_v3 OpenAPI document."""
    if "v3_schema" not in _stack:
        with open(os.path.join(HERE, "schemas", "api_v3.schema.json")) as f:
            _stack["v3_schema"] = json.load(f)
    return dict(_stack["v3_schema"], **{"$ref": f"#/$defs/{name}"})


@test
def every_route_and_parameter_answers_as_the_jaeger_ui_and_grafana_read_it(t):
    """The conformance test: each route in the form the real clients send it, api/v3 answers checked
    against the api_v3 JSON schema as well as the served OpenAPI document."""
    trellis = stored_flows()
    now = time.time()
    rfc3339 = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000000000Z"
    window = f"query.startTimeMin={urllib.parse.quote(rfc3339(now - 3600))}&query.startTimeMax={urllib.parse.quote(rfc3339(now + 60))}"

    def v3(target, schema, status=200):
        body = api(trellis, target, expected_status=status)
        Draft202012Validator(v3_schema(schema)).validate(body)
        return body

    # The current Jaeger UI: services, operations and search through /api/v3, traces and dependencies through /api.
    assert v3("/api/v3/services", "services")["services"] == ["demo-service", "node-service"]
    operations = v3("/api/v3/operations?service=node-service", "operations")["operations"]
    assert {"name": "GET /api/greeting", "spanKind": "server"} in operations, operations
    assert v3("/api/v3/operations?service=node-service&spanKind=client", "operations")["operations"] == [
        {"name": "GET", "spanKind": "client"}, {"name": "POST", "spanKind": "client"}]
    summaries = v3(f"/api/v3/trace-summaries?query.serviceName=demo-service&{window}&query.searchDepth=20", "traceSummaries")["summaries"]
    assert len(summaries) == 5 and all(s["rootServiceName"] == "node-service" and s["spanCount"] == 3 for s in summaries), summaries
    assert sum(s["errorSpanCount"] > 0 for s in summaries) == 1, summaries
    attributes = urllib.parse.quote(json.dumps({"http.route": "/api/greeting"}))
    greetings = v3(f"/api/v3/trace-summaries?query.serviceName=node-service&query.operationName=GET%20/api/greeting&{window}"
                   f"&query.attributes={attributes}&query.durationMin=1us&query.durationMax=1m", "traceSummaries")["summaries"]
    assert len(greetings) == 3, greetings
    trace_id = greetings[0]["traceId"]
    assert api(trellis, f"/api/traces/{trace_id}")["data"][0]["traceID"] == trace_id
    assert v3(f"/api/v3/dependencies?startTime={urllib.parse.quote(rfc3339(now - 3600))}&endTime={urllib.parse.quote(rfc3339(now + 60))}",
              "dependencies")["dependencies"] == [{"parent": "node-service", "child": "demo-service", "callCount": "5"}]
    # The gateway's snake_case spellings, as Grafana's api_v3 client writes them.
    snake = window.replace("startTimeMin", "start_time_min").replace("startTimeMax", "start_time_max")
    found = v3(f"/api/v3/traces?query.service_name=demo-service&{snake}&query.num_traces=2&query.raw_traces=true", "tracesResult")
    assert len({s["traceId"] for rs in found["result"]["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]}) == 2
    plain = v3(f"/api/v3/traces/{trace_id}", "tracesResult")
    grafana = v3(f"/api/v3/traces/{trace_id}?start_time={rfc3339(now - 3600)}&end_time={rfc3339(now + 60)}", "tracesResult")
    assert grafana == plain
    assert v3(f"/api/v3/traces/{trace_id}?startTime={rfc3339(now - 3600)}&endTime={rfc3339(now + 60)}&rawTraces=true", "tracesResult") == plain
    assert v3("/api/v3/trace-summaries?query.serviceName=demo-service", "error", status=400) == {
        "error": {"httpCode": 400, "message": "parameter 'query.startTimeMin' is required"}}
    # Grafana's Jaeger data source: the trace-ID time option sends start/end in milliseconds; raw; dependencies of one service.
    trace = api(trellis, f"/api/traces/{trace_id}")
    ms = int(now * 1000)
    assert api(trellis, f"/api/traces/{trace_id}?start={ms - 3_600_000}&end={ms + 60_000}") == trace
    assert api(trellis, f"/api/traces/{trace_id}?raw=true") == trace
    deps = api(trellis, f"/api/dependencies?endTs={ms + 60_000}&lookback=3600000&service=demo-service")
    assert deps["data"] == [{"parent": "node-service", "child": "demo-service", "callCount": 5}], deps
    assert api(trellis, f"/api/dependencies?endTs={ms + 60_000}&lookback=3600000&service=nobody")["data"] == []


@test
def schemathesis_finds_no_server_error_and_every_answer_matches_the_openapi_document(t):
    """Schemathesis (PyPI) generates requests for every operation of the served document, valid
    and not, with a fixed seed and a bounded number of examples; no answer may be a 5xx, and each
    must have a documented status, content type, headers and body schema."""
    trellis = stored_flows()
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"
    result = subprocess.run([schemathesis, "run", trellis.url("query", "/api/openapi.json"), "--max-examples", "25", "--seed", "1",
                             "--checks", checks], capture_output=True, timeout=600, env={**os.environ, "NO_COLOR": "1"})
    output = result.stdout.decode(errors="replace")
    assert result.returncode == 0, output[-6000:]
    selected = re.search(r"Operations:\s+(\d+) selected / (\d+) total", output)
    assert selected and int(selected.group(1)) == int(selected.group(2)) >= 13, output[-3000:]


@test
def query_trellis_shuts_down_cleanly(t):
    trellis = stored_flows()
    code = trellis.stop()
    assert code == 0, (code, trellis.output()[-3000:])

