import Foundation
import Testing
import TrellisModel

private func text(_ response: WireResponse) -> String { String(decoding: response.body, as: UTF8.self) }

private func tags(_ span: [String: Any]) -> [String: Any] {
    Dictionary((span["tags"] as? [[String: Any]] ?? []).map { ($0["key"] as! String, $0["value"]!) }, uniquingKeysWith: { a, _ in a })
}

private func traces(_ response: WireResponse) throws -> [[String: Any]] {
    try #require(try response.object()["data"] as? [[String: Any]])
}

@Suite("Jaeger /api")
struct JaegerAPITests {
    @Test func servicesAreListedInJaegersEnvelope() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/services")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            #expect(text(response) == #"{"data":["demo-service","node-service"],"total":2,"limit":0,"offset":0,"errors":null}"#)
        }
    }

    @Test func operationsOfAServiceAreDistinctNamesOrWithKindsFiltered() async throws {
        try await withQueryServer { port in
            let names = try await HTTPTestClient.get(port: port, "/api/services/node-service/operations")
            #expect(text(names) == #"{"data":["GET","GET /api/greeting","POST","POST /api/simulate","audit.write","greeting.audit"],"total":6,"limit":0,"offset":0,"errors":null}"#)
            let clients = try await HTTPTestClient.get(port: port, "/api/operations?service=node-service&spanKind=client")
            #expect(text(clients) == #"{"data":[{"name":"GET","spanKind":"client"},{"name":"POST","spanKind":"client"}],"total":2,"limit":0,"offset":0,"errors":null}"#)
            let all = try await HTTPTestClient.get(port: port, "/api/operations?service=demo-service")
            #expect(text(all) == #"{"data":[{"name":"GET /api/greeting","spanKind":"server"},{"name":"POST /api/simulate","spanKind":"server"}],"total":2,"limit":0,"offset":0,"errors":null}"#)
        }
    }

    @Test func traceByIDHasSpansInParentOrderWithProcessesAndKindTags() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/traces/\(QueryFixture.greetingID.hex)")
            #expect(response.status == 200)
            let trace = try #require(try traces(response).first)
            #expect(trace["traceID"] as? String == QueryFixture.greetingID.hex)
            let spans = try #require(trace["spans"] as? [[String: Any]])
            #expect(spans.map { $0["operationName"] as? String } == ["GET /api/greeting", "GET", "GET /api/greeting"])
            #expect(spans.map { tags($0)["span.kind"] as? String } == ["server", "client", "server"])
            let references = spans.map { ($0["references"] as? [[String: Any]])?.map { "\($0["refType"]!):\($0["spanID"]!)" } }
            #expect(references == [[], ["CHILD_OF:" + QueryFixture.spanID(1, 1).hex], ["CHILD_OF:" + QueryFixture.spanID(1, 2).hex]])
            #expect(spans[0]["startTime"] as? Int == Int((QueryFixture.base + 1_000 * QueryFixture.ms) / 1000))
            #expect(spans[0]["duration"] as? Int == 10_000)
            #expect(spans[0]["flags"] as? Int == 1)
            #expect(tags(spans[0])["otel.scope.name"] as? String == "opentelemetry.instrumentation.flask")
            #expect(tags(spans[1])["otel.scope.name"] as? String == "opentelemetry.instrumentation.requests")
            let processes = try #require(trace["processes"] as? [String: [String: Any]])
            #expect(spans.map { processes[$0["processID"] as! String]?["serviceName"] as? String } == ["node-service", "node-service", "demo-service"])
            let nodeTags = try #require(processes[spans[0]["processID"] as! String]?["tags"] as? [[String: Any]])
            #expect(nodeTags.map { $0["key"] as? String } == ["telemetry.sdk.language", "host.name"])
            #expect(tags(spans[0])["http.status_code"] as? Int == 200)
        }
    }

    @Test func errorSpansCarryErrorTagStatusAndLogs() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/traces/\(QueryFixture.errorID.hex)")
            let spans = try #require(try traces(response).first?["spans"] as? [[String: Any]])
            for span in spans {
                #expect(tags(span)["error"] as? Bool == true)
                #expect(tags(span)["otel.status_code"] as? String == "ERROR")
                #expect(tags(span)["otel.status_description"] as? String == "HTTP 500")
            }
            let logs = try #require(spans[2]["logs"] as? [[String: Any]])
            #expect(logs.count == 1)
            let fields = try #require(logs[0]["fields"] as? [[String: Any]])
            #expect(fields.map { "\($0["key"]!)=\($0["value"]!)" } == ["event=exception", "exception.type=SimulatedFailure"])
            #expect(logs[0]["timestamp"] as? Int == Int((QueryFixture.base + 11_003 * QueryFixture.ms) / 1000))
        }
    }

    @Test func linksAreFollowsFromAndLargeIntegersAreStrings() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/traces/\(QueryFixture.consumerID.hex)")
            #expect(text(response).contains(#"{"key":"audit.sequence","type":"int64","value":"9007199254740993"}"#))
            #expect(text(response).contains(#""references":[{"refType":"FOLLOWS_FROM","traceID":"\#(QueryFixture.greetingID.hex)","spanID":"\#(QueryFixture.spanID(1, 1).hex)"}]"#))
            #expect(text(response).contains(#"{"key":"span.kind","type":"string","value":"consumer"}"#))
        }
    }

    @Test func searchByServiceReturnsNewestTracesFirstUpToTheLimit() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/traces?service=demo-service&limit=3")
            #expect(response.status == 200)
            let found = try traces(response)
            #expect(found.map { $0["traceID"] as? String } == [QueryFixture.errorID.hex, QueryFixture.slowID.hex, QueryFixture.traceID(5).hex])
            #expect(try response.object()["total"] as? Int == 3)
        }
    }

    @Test(arguments: [
        ("service=node-service&operation=POST%20/api/simulate", [QueryFixture.errorID, QueryFixture.slowID]),
        ("service=node-service&tags=%7B%22error%22%3A%22true%22%7D", [QueryFixture.errorID]),
        ("service=demo-service&tag=http.status_code:500", [QueryFixture.errorID]),
        ("service=node-service&tag=http.method:POST&tag=span.kind:client", [QueryFixture.errorID, QueryFixture.slowID]),
        ("service=node-service&tags=%7B%22host.name%22%3A%22node-1%22%2C%22http.route%22%3A%22/api/simulate%22%7D", [QueryFixture.errorID, QueryFixture.slowID]),
        ("service=node-service&minDuration=200ms", [QueryFixture.slowID]),
        ("service=node-service&maxDuration=6ms&operation=greeting.audit", [QueryFixture.consumerID]),
        ("service=demo-service&start=\((QueryFixture.base + 2_000_000_000) / 1000)&end=\((QueryFixture.base + 3_500_000_000) / 1000)", [QueryFixture.traceID(3), QueryFixture.traceID(2)]),
    ])
    func searchConditionsAllHold(_ query: String, _ expected: [TraceID]) async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/traces?" + query)
            #expect(response.status == 200, "\(text(response))")
            #expect(try traces(response).map { $0["traceID"] as? String } == expected.map(\.hex))
        }
    }

    @Test func searchByTraceIDReportsMissingTracesInErrors() async throws {
        try await withQueryServer { port in
            let missing = TraceID(high: 1, low: 2)
            let response = try await HTTPTestClient.get(port: port, "/api/traces?traceID=\(QueryFixture.slowID.hex)&traceID=\(missing.hex)")
            #expect(response.status == 200)
            #expect(try traces(response).map { $0["traceID"] as? String } == [QueryFixture.slowID.hex])
            #expect(text(response).hasSuffix(#""total":1,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found","traceID":"\#(missing.hex)"}]}"#))
        }
    }

    @Test(arguments: [
        ("/api/traces", "parameter 'service' is required"),
        ("/api/traces?service=a&minDuration=fast", "parameter 'minDuration': 'fast' is not a duration; write it like 100ms, 1.5s, 2m or 500us"),
        ("/api/traces?service=a&maxDuration=-1s", "parameter 'maxDuration': '-1s' is not a duration; write it like 100ms, 1.5s, 2m or 500us"),
        ("/api/traces?service=a&minDuration=2s&maxDuration=1s", "parameter 'minDuration' is greater than 'maxDuration'; the range is empty"),
        ("/api/traces?service=a&start=20&end=10", "parameter 'start' is greater than 'end'; the range is empty"),
        ("/api/traces?service=a&start=yesterday", "parameter 'start': 'yesterday' is not a time in microseconds since the Unix epoch"),
        ("/api/traces?service=a&limit=0", "parameter 'limit': '0' is not a positive integer"),
        ("/api/traces?service=a&limit=ten", "parameter 'limit': 'ten' is not a positive integer"),
        ("/api/traces?service=a&service=b", "parameter 'service' is given more than once; give it once"),
        ("/api/traces?traceID=xyz", "parameter 'traceID': 'xyz' is not a trace ID; write 32 hex digits (or 16), not all zeros"),
        ("/api/traces?service=a&tag=novalue", "parameter 'tag': 'novalue' is not key:value"),
        ("/api/traces?service=a&tags=%5B1%5D", #"parameter 'tags': '[1]' is not a JSON object of tags such as {"http.method":"GET"}: (top level) must be an object"#),
        ("/api/traces?service=a&sevrice=b", "unknown parameter 'sevrice'; this route takes: service, operation, tags, tag, start, end, minDuration, maxDuration, limit, lookback, traceID"),
        ("/api/traces/not-hex", "parameter 'traceID': 'not-hex' is not a trace ID; write 32 hex digits (or 16), not all zeros"),
        ("/api/operations", "parameter 'service' is required"),
        ("/api/operations?service=a&spanKind=sideways", "parameter 'spanKind': 'sideways' is not one of internal, server, client, producer, consumer"),
        ("/api/services?verbose=1", "unknown parameter 'verbose'; this route takes no parameters"),
        // Found by schemathesis: a lookback of more milliseconds than 64 bits of nanoseconds hold trapped the server.
        ("/api/dependencies?lookback=9223372036854775807",
         "parameter 'lookback': '9223372036854775807' is too large; the most it takes is 18446744073709 milliseconds"),
        ("/api/dependencies?endTs=99999999999999999999", "parameter 'endTs': '99999999999999999999' is not a time in milliseconds since the Unix epoch"),
        ("/api/traces/\(QueryFixture.greetingID.hex)?start=2000&end=1000", "parameter 'start' is greater than 'end'; the range is empty"),
        ("/api/traces/\(QueryFixture.greetingID.hex)?start=noon", "parameter 'start': 'noon' is not a time in microseconds or milliseconds since the Unix epoch"),
        ("/api/traces/\(QueryFixture.greetingID.hex)?raw=yes", "parameter 'raw': 'yes' is not one of true, false"),
    ])
    func badParametersAre400SayingWhatIsWrong(_ target: String, _ message: String) async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, target)
            #expect(response.status == 400)
            #expect(response.header("content-type") == "application/json")
            #expect(text(response) == JSONWriterText.jaegerError(code: 400, message))
        }
    }

    @Test func traceByIDTakesGrafanasTimeHintsInEitherUnitAndRaw() async throws {
        try await withQueryServer { port in
            let plain = try await HTTPTestClient.get(port: port, "/api/traces/\(QueryFixture.greetingID.hex)")
            let startMs = QueryFixture.base / 1_000_000
            for hints in ["start=\(startMs)&end=\(startMs + 60_000)", "start=\(startMs * 1000)&end=\(startMs * 1000 + 60_000_000)&raw=true", "raw=false"] {
                let hinted = try await HTTPTestClient.get(port: port, "/api/traces/\(QueryFixture.greetingID.hex)?" + hints)
                #expect(hinted.status == 200)
                #expect(text(hinted) == text(plain))
            }
        }
    }

    @Test func dependenciesFilteredByServiceKeepLinksOnEitherEnd() async throws {
        try await withQueryServer { port in
            let window = "endTs=\(QueryFixture.base / 1_000_000 + 86_400_000)&lookback=172800000"
            let demo = try await HTTPTestClient.get(port: port, "/api/dependencies?\(window)&service=demo-service")
            #expect(text(demo) == #"{"data":[{"parent":"node-service","child":"demo-service","callCount":7}],"total":1,"limit":0,"offset":0,"errors":null}"#)
            let other = try await HTTPTestClient.get(port: port, "/api/dependencies?\(window)&service=billing")
            #expect(text(other) == #"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#)
        }
    }

    @Test func unknownRoutesAre404WrongMethodsAre405AndMissingTracesAre404() async throws {
        try await withQueryServer { port in
            let route = try await HTTPTestClient.get(port: port, "/api/nothing/here")
            #expect(route.status == 404)
            #expect(text(route) == JSONWriterText.jaegerError(code: 404, "no route for /api/nothing/here"))
            let method = try await HTTPTestClient.send(port: port, method: "DELETE", "/api/services")
            #expect(method.status == 405)
            #expect(method.header("allow") == "GET")
            #expect(text(method) == JSONWriterText.jaegerError(code: 405, "DELETE is not allowed here; use GET"))
            let missing = TraceID(high: 9, low: 9)
            let trace = try await HTTPTestClient.get(port: port, "/api/traces/\(missing.hex)")
            #expect(trace.status == 404)
            #expect(text(trace) == JSONWriterText.jaegerError(code: 404, "trace \(missing.hex) not found"))
        }
    }
}

/// The exact error bodies users see.
enum JSONWriterText {
    static func jaegerError(code: Int, _ message: String) -> String {
        #"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":\#(code),"msg":"\#(escape(message))"}]}"#
    }

    static func v3Error(code: Int, _ message: String) -> String {
        #"{"error":{"httpCode":\#(code),"message":"\#(escape(message))"}}"#
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
