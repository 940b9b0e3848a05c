import TrellisModel

/// A span of a test trace with the service that produced it.
struct PlacedSpan {
    var service: String
    var span: Span
}

/// The trace every fixture span belongs to.
let fixtureTraceID = TraceID(high: 0x5b8e_fff7_9803_8103, low: 0xd269_b633_813f_c60c)

/// A span of the fixture trace; `start` and `end` are Unix microseconds, `parent` 0 means none.
func span(_ id: UInt64, parent: UInt64 = 0, service: String = "svc", name: String? = nil, kind: SpanKind = .internal,
          _ start: UInt64, _ end: UInt64, status: SpanStatus = .unset) -> PlacedSpan {
    PlacedSpan(service: service, span: Span(
        traceID: fixtureTraceID, spanID: SpanID(id), parentSpanID: SpanID(parent), name: name ?? "op\(id)", kind: kind,
        startTimeUnixNano: start * 1_000, endTimeUnixNano: end * 1_000, status: status))
}

/// The spans as one batch: a resource per service, in order of first appearance.
func trace(_ spans: [PlacedSpan]) -> TraceBatch {
    var services: [String] = []
    for placed in spans where !services.contains(placed.service) { services.append(placed.service) }
    return TraceBatch(resourceSpans: services.map { service in
        ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(service))]),
                      scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "test"),
                                              spans: spans.filter { $0.service == service }.map(\.span))])
    })
}

/// The hex rendering of a span ID.
func hex(_ id: UInt64) -> String { SpanID(id).hex }

/// A Unix time in microseconds (2024-04-25) that realistic fixtures start at.
let demoStart: UInt64 = 1_714_000_000_000_000

/// `GET /api/greeting?name=X` as the demo deployment traces it: node-service SERVER (1) with an
/// Express middleware span (5) and a CLIENT `GET` (2) to demo-service, whose SERVER span (3)
/// wraps the Spring controller's internal span (4). Offsets from `demoStart` in microseconds.
func greetingTrace(serverStart: UInt64 = 3_000, serverEnd: UInt64 = 43_000) -> TraceBatch {
    trace([
        span(1, service: "node-service", name: "GET /api/greeting", kind: .server, demoStart, demoStart + 48_000),
        span(2, parent: 1, service: "node-service", name: "GET", kind: .client, demoStart + 1_000, demoStart + 45_000),
        span(5, parent: 1, service: "node-service", name: "middleware - query", demoStart + 200, demoStart + 800),
        span(3, parent: 2, service: "demo-service", name: "GET /api/greeting", kind: .server,
             demoStart + serverStart, demoStart + serverEnd),
        span(4, parent: 3, service: "demo-service", name: "GreetingController.greeting", demoStart + 5_000, demoStart + 40_000),
    ])
}
