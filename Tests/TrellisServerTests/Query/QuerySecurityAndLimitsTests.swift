import Foundation
import Testing
import TrellisCodec
import TrellisModel
import TrellisServer
import TrellisStorage

private func text(_ response: WireResponse) -> String { String(decoding: response.body, as: UTF8.self) }

/// A store whose reads never finish until cancelled, as a huge archive scan would.
private final class StuckReader: TraceReader {
    func trace(_ id: TraceID) async throws -> TraceBatch? { try await hang() }
    func findTraces(_ query: TraceQuery) async throws -> [FoundTrace] { try await hang() }
    func services() async throws -> [String] { try await hang() }
    func operations(service: String) async throws -> [TrellisStorage.Operation] { try await hang() }
    func dependencies(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> DependencySummary { try await hang() }

    private func hang<T>() async throws -> T {
        try await Task.sleep(for: .seconds(3600))
        throw CancellationError()
    }
}

@Suite("query API security and limits")
struct QuerySecurityAndLimitsTests {
    private static let token = "s3cret-token"

    @Test func withATokenEveryAPIRouteNeedsItAndAdminRoutesStayOpen() async throws {
        try await withQueryServer(QueryConfiguration(bearerToken: Self.token)) { port in
            let missing = try await HTTPTestClient.get(port: port, "/api/services")
            #expect(missing.status == 401)
            #expect(missing.header("www-authenticate") == #"Bearer realm="trellis""#)
            #expect(text(missing) == JSONWriterText.jaegerError(code: 401, "this API needs a bearer token: send 'Authorization: Bearer <token>' (browsers: log in at /login)"))
            let wrong = try await HTTPTestClient.get(port: port, "/api/services", headers: [("Authorization", "Bearer s3cret-tokem")])
            #expect(wrong.status == 401)
            #expect(text(wrong) == JSONWriterText.jaegerError(code: 401, "the bearer token is not valid"))
            let basic = try await HTTPTestClient.get(port: port, "/api/v3/services", headers: [("Authorization", "Basic dXNlcjpwYXNz")])
            #expect(basic.status == 401)
            #expect(text(basic) == JSONWriterText.v3Error(code: 401, "the Authorization header must be 'Bearer <token>'"))
            let unknownRoute = try await HTTPTestClient.get(port: port, "/api/secret-route")
            #expect(unknownRoute.status == 401)
            let right = try await HTTPTestClient.get(port: port, "/api/services", headers: [("Authorization", "Bearer \(Self.token)")])
            #expect(right.status == 200)
            #expect(text(right) == #"{"data":["demo-service","node-service"],"total":2,"limit":0,"offset":0,"errors":null}"#)
            for path in ["/healthz", "/metrics"] {
                #expect(try await HTTPTestClient.get(port: port, path).status == 200)
            }
        }
    }

    @Test func withoutATokenTheAPIIsOpen() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/v3/services", headers: [("Authorization", "Bearer anything")])
            #expect(response.status == 200)
        }
    }

    @Test func answersAreGzippedOnlyWhenTheClientAcceptsGzip() async throws {
        try await withQueryServer { port in
            let target = "/api/traces/\(QueryFixture.greetingID.hex)"
            let plain = try await HTTPTestClient.get(port: port, target)
            #expect(plain.header("content-encoding") == nil)
            let zipped = try await HTTPTestClient.get(port: port, target, headers: [("Accept-Encoding", "deflate, gzip;q=0.8")])
            #expect(zipped.header("content-encoding") == "gzip")
            #expect(zipped.header("vary") == "Accept-Encoding")
            #expect(zipped.body.count < plain.body.count)
            #expect(try Gzip.inflate(zipped.body, limit: 1 << 20) == plain.body)
            let refused = try await HTTPTestClient.get(port: port, target, headers: [("Accept-Encoding", "gzip;q=0")])
            #expect(refused.header("content-encoding") == nil)
        }
    }

    @Test func limitsAreCappedAtMaxLimitAndDefaultToDefaultLimit() async throws {
        try await withQueryServer(QueryConfiguration(defaultLimit: 2, maxLimit: 3)) { port in
            let capped = try await HTTPTestClient.get(port: port, "/api/traces?service=node-service&limit=1000")
            #expect(try capped.object()["total"] as? Int == 3)
            let defaulted = try await HTTPTestClient.get(port: port, "/api/traces?service=node-service")
            #expect(try defaulted.object()["total"] as? Int == 2)
            let range = "query.start_time_min=2023-01-01T00:00:00Z&query.start_time_max=2024-01-01T00:00:00Z"
            let v3 = try await HTTPTestClient.get(port: port, "/api/v3/traces?query.service_name=node-service&query.search_depth=50&" + range)
            let result = try #require(try v3.object()["result"] as? [String: Any])
            let ids = Set((result["resourceSpans"] as? [[String: Any]] ?? []).flatMap { rs in
                (rs["scopeSpans"] as? [[String: Any]] ?? []).flatMap { ($0["spans"] as? [[String: Any]] ?? []).compactMap { $0["traceId"] as? String } }
            })
            #expect(ids.count == 3)
        }
    }

    @Test func aQueryPastTheTimeoutIs503WhileTheServerKeepsAnswering() async throws {
        try await withQueryServer(QueryConfiguration(timeout: .milliseconds(200)), reader: StuckReader()) { port in
            let response = try await HTTPTestClient.get(port: port, "/api/services")
            #expect(response.status == 503)
            #expect(response.header("retry-after") == "1")
            #expect(text(response) == JSONWriterText.jaegerError(code: 503,
                "the query did not finish within query.timeout (0.2 seconds); narrow the time range, add conditions or lower the limit"))
            #expect(try await HTTPTestClient.get(port: port, "/healthz").status == 200)
        }
    }

    @Test func withoutAStoreTheAPIAnswers503() async throws {
        try await withQueryServer(noStore: true) { port in
            let response = try await HTTPTestClient.get(port: port, "/api/v3/services")
            #expect(response.status == 503)
            #expect(text(response) == JSONWriterText.v3Error(code: 503,
                "no trace store is configured: add the trellis_store exporter to the traces pipeline to query traces"))
        }
    }

    @Test func theOpenAPIDocumentDescribesEveryJSONRoute() async throws {
        try await withQueryServer { port in
            let response = try await HTTPTestClient.get(port: port, "/api/openapi.json")
            #expect(response.status == 200)
            let document = try response.object()
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            // The web UI's HTML pages are not part of the API the document describes.
            for route in QueryAPI.builtInRoutes where route.contentType == "application/json" {
                #expect(paths[route.pattern]?[route.method.rawValue.lowercased()] != nil, "\(route.method) \(route.pattern) is not in openapi.json")
            }
        }
    }
}
