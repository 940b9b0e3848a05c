import NIOCore
import NIOPosix
import Testing
import TrellisModel
import TrellisServer
import TrellisStorage

/// The demo flows as the OpenTelemetry SDKs send them: node-service (SERVER, then CLIENT) calling
/// demo-service (SERVER), for greetings, a slow call and an error, plus a consumer span linking
/// to the first greeting, with a child span of no kind. Times are fixed: greeting `i` starts at `base + i` seconds.
enum QueryFixture {
    static let base: UInt64 = 1_700_000_000_000_000_000
    static let greetings = 5
    static let ms: UInt64 = 1_000_000

    static func traceID(_ n: UInt64) -> TraceID { TraceID(high: 0xABCD, low: n) }
    static func spanID(_ trace: UInt64, _ n: UInt64) -> SpanID { SpanID(trace << 8 | n) }

    static let greetingID = traceID(1)
    static let slowID = traceID(100)
    static let errorID = traceID(101)
    static let consumerID = traceID(102)

    static let node = Resource(attributes: [
        Attribute("service.name", .string("node-service")), Attribute("telemetry.sdk.language", .string("python")), Attribute("host.name", .string("node-1")),
    ])
    static let demo = Resource(attributes: [
        Attribute("service.name", .string("demo-service")), Attribute("telemetry.sdk.language", .string("python")),
    ])
    static let flask = InstrumentationScope(name: "opentelemetry.instrumentation.flask", version: "0.66b1")
    static let requests = InstrumentationScope(name: "opentelemetry.instrumentation.requests", version: "0.66b1")

    /// One request of a flow: node SERVER → node CLIENT → demo SERVER.
    static func flow(_ n: UInt64, route: String, method: String, start: UInt64, duration: UInt64, status: Int64) -> TraceBatch {
        let id = traceID(n)
        let failed = status >= 500
        let serverStatus = failed ? SpanStatus(code: .error, message: "HTTP \(status)") : .unset
        let nodeServer = Span(traceID: id, spanID: spanID(n, 1), flags: 1, name: "\(method) \(route)", kind: .server,
                              startTimeUnixNano: start, endTimeUnixNano: start + duration,
                              attributes: [Attribute("http.method", .string(method)), Attribute("http.route", .string(route)), Attribute("http.status_code", .int(status))],
                              status: serverStatus)
        let nodeClient = Span(traceID: id, spanID: spanID(n, 2), parentSpanID: spanID(n, 1), flags: 1, name: method, kind: .client,
                              startTimeUnixNano: start + 1 * ms, endTimeUnixNano: start + duration - 1 * ms,
                              attributes: [Attribute("http.method", .string(method)), Attribute("http.status_code", .int(status))],
                              status: serverStatus)
        let events = failed ? [SpanEvent(timeUnixNano: start + 3 * ms, name: "exception", attributes: [Attribute("exception.type", .string("SimulatedFailure"))])] : []
        let demoServer = Span(traceID: id, spanID: spanID(n, 3), parentSpanID: spanID(n, 2), flags: 1, name: "\(method) \(route)", kind: .server,
                              startTimeUnixNano: start + 2 * ms, endTimeUnixNano: start + duration - 2 * ms,
                              attributes: [Attribute("http.method", .string(method)), Attribute("http.status_code", .int(status))],
                              events: events, status: serverStatus)
        return TraceBatch(resourceSpans: [
            ResourceSpans(resource: node, scopeSpans: [ScopeSpans(scope: flask, spans: [nodeServer]), ScopeSpans(scope: requests, spans: [nodeClient])]),
            ResourceSpans(resource: demo, scopeSpans: [ScopeSpans(scope: flask, spans: [demoServer])]),
        ])
    }

    static let batches: [TraceBatch] = {
        var out = (1...UInt64(greetings)).map { i in
            flow(i, route: "/api/greeting", method: "GET", start: base + i * 1_000 * ms, duration: 10 * ms, status: 200)
        }
        out.append(flow(100, route: "/api/simulate", method: "POST", start: base + 10_000 * ms, duration: 260 * ms, status: 200))
        out.append(flow(101, route: "/api/simulate", method: "POST", start: base + 11_000 * ms, duration: 20 * ms, status: 500))
        let consumer = Span(traceID: consumerID, spanID: spanID(102, 1), name: "greeting.audit", kind: .consumer,
                            startTimeUnixNano: base + 12_000 * ms, endTimeUnixNano: base + 12_005 * ms,
                            attributes: [Attribute("audit.sequence", .int(9_007_199_254_740_993))],
                            links: [SpanLink(traceID: greetingID, spanID: spanID(1, 1))])
        // A span without a kind, as some instrumentations send: Jaeger reports its operation as internal.
        let write = Span(traceID: consumerID, spanID: spanID(102, 2), parentSpanID: spanID(102, 1), name: "audit.write",
                         startTimeUnixNano: base + 12_001 * ms, endTimeUnixNano: base + 12_004 * ms)
        out.append(TraceBatch(resourceSpans: [ResourceSpans(resource: node, scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "audit"), spans: [consumer, write])])]))
        return out
    }()

    static func store() async throws -> RingStore {
        let store = RingStore(maxBytes: 64 << 20)
        for batch in batches { try await store.write(batch) }
        return store
    }
}

/// Runs a query port (query API + admin) on 127.0.0.1, an ephemeral port, over the fixture's
/// store (or `reader`), for the duration of `body`.
func withQueryServer(
    _ configuration: QueryConfiguration = QueryConfiguration(), reader: (any TraceReader)? = nil, noStore: Bool = false,
    _ body: (Int) async throws -> Void
) async throws {
    var store = reader
    if store == nil && !noStore { store = try await QueryFixture.store() }
    let api = QueryAPI(reader: store, configuration: configuration)
    let server = try await HTTPServer.bind(host: "127.0.0.1", port: 0, group: MultiThreadedEventLoopGroup.singleton,
                                           configuration: HTTPServerConfiguration(), quiesce: nil) {
        QueryResponder(api: api, admin: AdminResponder(readiness: Readiness(), renderMetrics: { Array("up 1\n".utf8) }))
    }
    let port = try #require(server.localAddress?.port)
    do {
        try await body(port)
    } catch {
        try? await server.close()
        await api.shutdown()
        throw error
    }
    try? await server.close()
    await api.shutdown()
}
