import Testing
import TrellisAnalysis
import TrellisModel

@Suite struct EndpointBreakdownTests {
    /// `GET /x` (0 to `end` µs) waiting on a database call of `db` µs that starts at 10 µs.
    private func request(_ n: UInt64, db: UInt64, end: UInt64 = 100) -> TraceBatch {
        let id = TraceID(high: 7, low: n)
        let spans = [
            Span(traceID: id, spanID: SpanID(1), name: "GET /x", kind: .server, startTimeUnixNano: 0, endTimeUnixNano: end * 1000),
            Span(traceID: id, spanID: SpanID(2), parentSpanID: SpanID(1), name: "SELECT", kind: .client, startTimeUnixNano: 10_000, endTimeUnixNano: (10 + db) * 1000),
        ]
        return TraceBatch(resourceSpans: [ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string("api"))]),
                                                        scopeSpans: [ScopeSpans(scope: InstrumentationScope(), spans: spans)])])
    }

    @Test func sharesOfTheCriticalPathAreAggregatedAcrossTraces() {
        let breakdown = EndpointBreakdown(service: "api", operation: "GET /x", traces: (1...10).map { request($0, db: $0 * 8) })
        #expect(breakdown.traces == 10)
        let select = breakdown.parts.first { $0.operation == "SELECT" }
        let server = breakdown.parts.first { $0.operation == "GET /x" }
        #expect(select?.traces == 10 && server?.traces == 10)
        // SELECT takes 8, 16, … 80 µs of 100: median 0.4, p95 0.8.
        #expect(select?.shareP50 == 0.4 && select?.shareP95 == 0.8)
        // The server's own time is the rest: 0.92 down to 0.2, median 0.52.
        #expect(server?.shareP50 == 0.52)
        #expect(breakdown.parts.first?.operation == "GET /x")
    }

    @Test func theExamplesAreTheSlowestTenth() {
        let breakdown = EndpointBreakdown(service: "api", operation: "GET /x", traces: (1...20).map { request($0, db: 5, end: 100 + $0) })
        #expect(breakdown.slowest.map(\.traceID) == [TraceID(high: 7, low: 20).hex, TraceID(high: 7, low: 19).hex])
        #expect(breakdown.slowest.map(\.duration) == [120, 119])
    }

    @Test func anEndpointCalledByAnotherServiceIsMeasuredOverItsOwnSubtree() {
        // web's GET / (0 to 300 µs) calls api's GET /x (100 to 200 µs), which waits on SELECT from 110 to 150 µs.
        let id = TraceID(high: 8, low: 1)
        func resource(_ service: String, _ spans: [Span]) -> ResourceSpans {
            ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(service))]), scopeSpans: [ScopeSpans(scope: InstrumentationScope(), spans: spans)])
        }
        let trace = TraceBatch(resourceSpans: [
            resource("web", [Span(traceID: id, spanID: SpanID(1), name: "GET /", kind: .server, startTimeUnixNano: 0, endTimeUnixNano: 300_000)]),
            resource("api", [
                Span(traceID: id, spanID: SpanID(2), parentSpanID: SpanID(1), name: "GET /x", kind: .server, startTimeUnixNano: 100_000, endTimeUnixNano: 200_000),
                Span(traceID: id, spanID: SpanID(3), parentSpanID: SpanID(2), name: "SELECT", kind: .client, startTimeUnixNano: 110_000, endTimeUnixNano: 150_000),
            ]),
        ])
        let breakdown = EndpointBreakdown(service: "api", operation: "GET /x", traces: [trace])
        #expect(breakdown.parts.map(\.operation) == ["GET /x", "SELECT"])
        #expect(breakdown.parts.map(\.shareP50) == [0.6, 0.4])
        #expect(breakdown.slowest.map(\.duration) == [100])
    }

    @Test func aDurationRangeChoosesWhichEndpointSpanIsMeasured() {
        // One trace calls GET /x twice: for 100 µs (waiting 40 µs on SELECT) and for 2,000 µs (waiting 1,500 µs).
        let id = TraceID(high: 8, low: 2)
        let spans = [
            Span(traceID: id, spanID: SpanID(1), name: "GET /x", kind: .server, startTimeUnixNano: 0, endTimeUnixNano: 100_000),
            Span(traceID: id, spanID: SpanID(2), parentSpanID: SpanID(1), name: "SELECT", kind: .client, startTimeUnixNano: 10_000, endTimeUnixNano: 50_000),
            Span(traceID: id, spanID: SpanID(3), name: "GET /x", kind: .server, startTimeUnixNano: 200_000, endTimeUnixNano: 2_200_000),
            Span(traceID: id, spanID: SpanID(4), parentSpanID: SpanID(3), name: "SELECT", kind: .client, startTimeUnixNano: 300_000, endTimeUnixNano: 1_800_000),
        ]
        let trace = TraceBatch(resourceSpans: [ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string("api"))]),
                                                             scopeSpans: [ScopeSpans(scope: InstrumentationScope(), spans: spans)])])
        let share = { (durations: ClosedRange<UInt64>?) in
            EndpointBreakdown(service: "api", operation: "GET /x", durations: durations, traces: [trace]).parts.first { $0.operation == "SELECT" }?.shareP50
        }
        #expect(share(nil) == 0.75)
        #expect(share(0...1_000_000) == 0.4)
        #expect(share(500_000_000...(.max)) == nil)
    }

    @Test func tracesWithoutTheEndpointAreNotCounted() {
        let breakdown = EndpointBreakdown(service: "api", operation: "GET /y", traces: [request(1, db: 8)])
        #expect(breakdown.traces == 0 && breakdown.parts.isEmpty && breakdown.slowest.isEmpty)
    }
}
