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

    @Test(arguments: [
        ("/api/v3/traces/zz", 400, "parameter 'trace_id': 'zz' is not a trace ID; write 32 hex digits (or 16), not all zeros"),
        ("/api/v3/traces/\(TraceID(high: 7, low: 7).hex)", 404, "trace \(TraceID(high: 7, low: 7).hex) not found"),
        ("/api/v3/traces?query.service_name=a&query.start_time_max=2024-01-01T00:00:00Z", 400, "parameter 'query.start_time_min' is required"),
        ("/api/v3/traces?query.service_name=a&query.start_time_min=yesterday&query.start_time_max=2024-01-01T00:00:00Z", 400,
         "parameter 'query.start_time_min': 'yesterday' is not an RFC 3339 time from 1970 to 2554 such as 2025-01-31T12:00:00Z"),
        // Found by the query-parameters fuzz target: a year past 2554 overflowed 64-bit nanoseconds and trapped.
        ("/api/v3/traces?query.service_name=a&query.start_time_min=4048-01-02T03:04:05.123456789Z&query.start_time_max=4048-01-03T00:00:00Z", 400,
         "parameter 'query.start_time_min': '4048-01-02T03:04:05.123456789Z' is not an RFC 3339 time from 1970 to 2554 such as 2025-01-31T12:00:00Z"),
        ("/api/v3/traces?query.service_name=a&query.start_time_min=2554-07-21T23:34:33.709551616Z&query.start_time_max=2554-07-22T00:00:00Z", 400,
         "parameter 'query.start_time_min': '2554-07-21T23:34:33.709551616Z' is not an RFC 3339 time from 1970 to 2554 such as 2025-01-31T12:00:00Z"),
        ("/api/v3/traces?query.service_name=a&query.start_time_min=2024-01-02T00:00:00Z&query.start_time_max=2024-01-01T00:00:00Z", 400,
         "parameter 'query.start_time_min' is greater than 'query.start_time_max'; the range is empty"),
        ("/api/v3/traces?query.start_time_min=2024-01-01T00:00:00Z&query.start_time_max=2024-01-02T00:00:00Z", 400, "parameter 'query.service_name' is required"),
        ("/api/v3/operations", 400, "parameter 'service' is required"),
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
