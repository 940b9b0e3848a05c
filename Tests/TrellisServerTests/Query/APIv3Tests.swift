import Foundation
import Testing
import TrellisModel

private func text(_ response: WireResponse) -> String { String(decoding: response.body, as: UTF8.self) }

/// `(service.name, span name, kind)` of every span in an api/v3 result.
private func spans(_ response: WireResponse) throws -> [(service: String, name: String, kind: Int, traceId: String)] {
    let result = try #require(try response.object()["result"] as? [String: Any])
    var out: [(service: String, name: String, kind: Int, traceId: String)] = []
    for rs in result["resourceSpans"] as? [[String: Any]] ?? [] {
        let attributes = (rs["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
        let service = attributes.first { $0["key"] as? String == "service.name" }.flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String } ?? ""
        for ss in rs["scopeSpans"] as? [[String: Any]] ?? [] {
            for span in ss["spans"] as? [[String: Any]] ?? [] {
                out.append((service, span["name"] as? String ?? "", span["kind"] as? Int ?? 0, span["traceId"] as? String ?? ""))
            }
        }
    }
    return out
}

@Suite("api/v3")
struct APIv3Tests {
    @Test func traceByIDIsOTLPJSONUnderResult() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/v3/traces/\(QueryFixture.greetingID.hex)")
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            let found = try spans(response)
            #expect(found.map { "\($0.service) \($0.name) \($0.kind)" } == ["node-service GET /api/greeting 2", "node-service GET 3", "demo-service GET /api/greeting 2"])
            #expect(Set(found.map(\.traceId)) == [QueryFixture.greetingID.hex])
        }
    }

    @Test func searchNeedsATimeRangeAndReturnsEveryMatchingTracesSpans() async throws {
        try await withQueryServer { port in
            let range = "query.start_time_min=2023-11-14T22:13:20Z&query.start_time_max=2023-11-14T22:13:40.5%2B00:00"
            let response = try await HTTPTestClient.get(port: port, "/api/v3/traces?query.service_name=node-service&query.operation_name=POST%20/api/simulate&" + range)
            #expect(response.status == 200, "\(text(response))")
            #expect(Set(try spans(response).map(\.traceId)) == [QueryFixture.slowID.hex, QueryFixture.errorID.hex])
            let attributes = try await HTTPTestClient.get(port: port, "/api/v3/traces?query.service_name=demo-service&query.attributes=%7B%22error%22%3A%22true%22%7D&query.search_depth=5&" + range)
            #expect(Set(try spans(attributes).map(\.traceId)) == [QueryFixture.errorID.hex])
            let slow = try await HTTPTestClient.get(port: port, "/api/v3/traces?query.service_name=demo-service&query.duration_min=0.2s&" + range)
            #expect(Set(try spans(slow).map(\.traceId)) == [QueryFixture.slowID.hex])
            let none = try await HTTPTestClient.get(port: port, "/api/v3/traces?query.service_name=nobody&" + range)
            #expect(none.status == 404)
            #expect(text(none) == JSONWriterText.v3Error(code: 404, "No traces found"))
        }
    }

    @Test func servicesAndOperationsHaveTheGatewayShapes() async throws {
        try await withQueryServer { port in
            let services = try await HTTPTestClient.get(port: port, "/api/v3/services")
            #expect(text(services) == #"{"services":["demo-service","node-service"]}"#)
            let operations = try await HTTPTestClient.get(port: port, "/api/v3/operations?service=node-service&span_kind=server")
            #expect(text(operations) == #"{"operations":[{"name":"GET /api/greeting","spanKind":"server"},{"name":"POST /api/simulate","spanKind":"server"}]}"#)
        }
    }

    @Test func camelCaseNamesAndTheirSnakeCaseAliasesSearchAlike() async throws {
        try await withQueryServer { port in
            let camel = "query.serviceName=node-service&query.operationName=POST%20/api/simulate&query.startTimeMin=2023-11-14T22:13:20Z" +
                "&query.startTimeMax=2023-11-14T22:13:40Z&query.durationMin=1ms&query.durationMax=1s&query.searchDepth=1&query.rawTraces=true"
            let snake = "query.service_name=node-service&query.operation_name=POST%20/api/simulate&query.start_time_min=2023-11-14T22:13:20Z" +
                "&query.start_time_max=2023-11-14T22:13:40Z&query.duration_min=1ms&query.duration_max=1s&query.num_traces=1&query.raw_traces=true"
            let a = try await HTTPTestClient.get(port: port, "/api/v3/traces?" + camel)
            let b = try await HTTPTestClient.get(port: port, "/api/v3/traces?" + snake)
            #expect(a.status == 200, "\(text(a))")
            #expect(text(a) == text(b))
            #expect(Set(try spans(a).map(\.traceId)) == [QueryFixture.errorID.hex])
        }
    }

    @Test func traceSummariesCarryWhatTheJaegerUISearchListReads() async throws {
        try await withQueryServer { port in
            let range = "&query.startTimeMin=2023-11-14T22:13:20Z&query.startTimeMax=2023-11-14T22:13:40Z"
            let response = try await HTTPTestClient.get(port: port, "/api/v3/trace-summaries?query.serviceName=demo-service&query.attributes=%7B%22error%22%3A%22true%22%7D" + range)
            #expect(response.status == 200)
            let start = QueryFixture.base + 11_000 * QueryFixture.ms
            #expect(text(response) == #"{"summaries":[{"traceId":"\#(QueryFixture.errorID.hex)","rootServiceName":"node-service","rootOperationName":"POST /api/simulate","# +
                #""minStartTimeUnixNano":"\#(start)","maxEndTimeUnixNano":"\#(start + 20 * QueryFixture.ms)","spanCount":3,"errorSpanCount":3,"orphanSpanCount":0,"# +
                #""services":[{"name":"demo-service","spanCount":1,"errorSpanCount":1},{"name":"node-service","spanCount":2,"errorSpanCount":2}]}]}"#)
            let none = try await HTTPTestClient.get(port: port, "/api/v3/trace-summaries?query.serviceName=nobody" + range)
            #expect(none.status == 200)
            #expect(text(none) == #"{"summaries":[]}"#)
        }
    }

    @Test func traceByIDTakesTimeHintsAndRawTracesInBothSpellings() async throws {
        try await withQueryServer { port in
            let plain = try await HTTPTestClient.get(port: port, "/api/v3/traces/\(QueryFixture.greetingID.hex)")
            for hints in ["startTime=2023-11-14T22:13:20Z&endTime=2023-11-14T22:13:40Z&rawTraces=true",
                          "start_time=2023-11-14T22:13:20.000000001Z&end_time=2023-11-14T22:13:40Z&raw_traces=false"] {
                let hinted = try await HTTPTestClient.get(port: port, "/api/v3/traces/\(QueryFixture.greetingID.hex)?" + hints)
                #expect(hinted.status == 200)
                #expect(text(hinted) == text(plain))
            }
        }
    }

    @Test func operationsReportAKindlessSpanAsInternalAndFilterBySpanKind() async throws {
        try await withQueryServer { port in
            let all = try await HTTPTestClient.get(port: port, "/api/v3/operations?service=node-service&spanKind=internal")
            #expect(text(all) == #"{"operations":[{"name":"audit.write","spanKind":"internal"}]}"#)
            let consumers = try await HTTPTestClient.get(port: port, "/api/v3/operations?service=node-service&span_kind=consumer")
            #expect(text(consumers) == #"{"operations":[{"name":"greeting.audit","spanKind":"consumer"}]}"#)
        }
    }

    @Test func dependenciesAreListedWithCallCountsAsStrings() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/v3/dependencies?startTime=2023-11-14T00:00:00Z&endTime=2023-11-15T00:00:00Z")
            #expect(response.status == 200)
            #expect(text(response) == #"{"dependencies":[{"parent":"node-service","child":"demo-service","callCount":"7"}]}"#)
        }
    }

    @Test(arguments: [
        ("/api/v3/traces/zz", 400, "parameter 'trace_id': 'zz' is not a trace ID; write 32 hex digits (or 16), not all zeros"),
        ("/api/v3/traces/\(TraceID(high: 7, low: 7).hex)", 404, "trace \(TraceID(high: 7, low: 7).hex) not found"),
        ("/api/v3/traces?query.service_name=a&query.start_time_max=2024-01-01T00:00:00Z", 400, "parameter 'query.startTimeMin' is required"),
        ("/api/v3/traces?query.service_name=a&query.start_time_min=yesterday&query.start_time_max=2024-01-01T00:00:00Z", 400,
         "parameter 'query.startTimeMin': 'yesterday' is not an RFC 3339 time from 1970 to 2554 such as 2025-01-31T12:00:00Z"),
        // Found by the query-parameters fuzz target: a year past 2554 overflowed 64-bit nanoseconds and trapped.
        ("/api/v3/traces?query.service_name=a&query.start_time_min=4048-01-02T03:04:05.123456789Z&query.start_time_max=4048-01-03T00:00:00Z", 400,
         "parameter 'query.startTimeMin': '4048-01-02T03:04:05.123456789Z' is not an RFC 3339 time from 1970 to 2554 such as 2025-01-31T12:00:00Z"),
        ("/api/v3/traces?query.service_name=a&query.start_time_min=2554-07-21T23:34:33.709551616Z&query.start_time_max=2554-07-22T00:00:00Z", 400,
         "parameter 'query.startTimeMin': '2554-07-21T23:34:33.709551616Z' is not an RFC 3339 time from 1970 to 2554 such as 2025-01-31T12:00:00Z"),
        ("/api/v3/traces?query.service_name=a&query.start_time_min=2024-01-02T00:00:00Z&query.start_time_max=2024-01-01T00:00:00Z", 400,
         "parameter 'query.startTimeMin' is greater than 'query.startTimeMax'; the range is empty"),
        ("/api/v3/traces?query.start_time_min=2024-01-01T00:00:00Z&query.start_time_max=2024-01-02T00:00:00Z", 400, "parameter 'query.serviceName' is required"),
        ("/api/v3/operations", 400, "parameter 'service' is required"),
        ("/api/v3/traces?query.serviceName=a&query.service_name=b&query.startTimeMin=2024-01-01T00:00:00Z&query.startTimeMax=2024-01-02T00:00:00Z", 400,
         "parameter 'query.serviceName' is given more than once; give it once"),
        ("/api/v3/traces/\(QueryFixture.greetingID.hex)?rawTraces=maybe", 400, "parameter 'rawTraces': 'maybe' is not one of true, false"),
        ("/api/v3/traces/\(QueryFixture.greetingID.hex)?startTime=2024-01-02T00:00:00Z&endTime=2024-01-01T00:00:00Z", 400,
         "parameter 'startTime' is greater than 'endTime'; the range is empty"),
        ("/api/v3/dependencies?startTime=2024-01-01T00:00:00Z", 400, "parameter 'endTime' is required"),
        ("/api/v3/nothing", 404, "no route for /api/v3/nothing"),
    ])
    func errorsUseTheGatewayErrorShape(_ target: String, _ status: Int, _ message: String) async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, target)
            #expect(response.status == status)
            #expect(text(response) == JSONWriterText.v3Error(code: status, message))
        }
    }
}
