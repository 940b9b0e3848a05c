import Testing
import TrellisModel

@Suite struct DependencySummaryTests {
    private let trace = TraceID(high: 1, low: 2)

    private func service(_ name: String, _ spans: [Span]) -> ResourceSpans {
        ResourceSpans(resource: Resource(attributes: [Attribute("service.name", .string(name))]),
                      scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "test"), spans: spans)])
    }

    private func span(_ id: UInt64, parent: UInt64 = 0, kind: SpanKind, start: UInt64, end: UInt64,
                      attributes: [Attribute] = [], error: Bool = false) -> Span {
        Span(traceID: trace, spanID: SpanID(id), parentSpanID: parent == 0 ? .none : SpanID(parent), name: "op\(id)", kind: kind,
             startTimeUnixNano: start, endTimeUnixNano: end, attributes: attributes,
             status: error ? SpanStatus(code: .error) : .unset)
    }

    /// node SERVER (1) → node CLIENT (2) → demo SERVER (3) → demo CLIENT to postgres (4), plus a node INTERNAL span (5).
    private var greeting: TraceBatch {
        TraceBatch(resourceSpans: [
            service("node-service", [
                span(1, kind: .server, start: 1_000, end: 90_000_000),
                span(2, parent: 1, kind: .client, start: 2_000, end: 80_000_000),
                span(5, parent: 1, kind: .internal, start: 3_000, end: 4_000),
            ]),
            service("demo-service", [
                span(3, parent: 2, kind: .server, start: 5_000_000, end: 75_000_000, error: true),
                span(4, parent: 3, kind: .client, start: 6_000_000, end: 16_000_000, attributes: [Attribute("db.system", .string("postgresql"))]),
            ]),
        ])
    }

    @Test func callsCrossServiceBoundariesAndNameUninstrumentedPeers() {
        let calls = ServiceCall.calls(in: greeting).sorted { $0.child < $1.child }
        #expect(calls.map { "\($0.parent)->\($0.child)" } == ["node-service->demo-service", "demo-service->postgresql"])
        #expect(calls[0].durationNanos == 70_000_000 && calls[0].isError && !calls[0].childIsVirtual)
        #expect(calls[1].durationNanos == 10_000_000 && !calls[1].isError && calls[1].childIsVirtual)
    }

    @Test func aClientSpanWithAnInstrumentedChildIsNotAlsoAVirtualCall() {
        var batch = greeting
        batch.resourceSpans[0].scopeSpans[0].spans[1].attributes = [Attribute("server.address", .string("demo"))]
        #expect(!ServiceCall.calls(in: batch).contains { $0.child == "demo" })
    }

    @Test func summariesCountCallsErrorsAndServerLatencyPerBucket() {
        let buckets = DependencySummary.bucketed(greeting, bucketNanos: 5_000_000)
        #expect(buckets.keys.sorted() == [0, 5_000_000])
        var all = DependencySummary()
        for summary in buckets.values { all.merge(summary) }
        let edge = all.links[DependencySummary.LinkKey(parent: "node-service", child: "demo-service")]
        #expect(edge?.callCount == 1 && edge?.errorCount == 1)
        #expect(all.services["node-service"]?.spanCount == 3)
        #expect(all.services["demo-service"]?.errorCount == 1)
        #expect(all.services["demo-service"]?.serverLatency.total == 1)
        #expect(all.sortedLinks.map(\.child) == ["postgresql", "demo-service"])
    }

    @Test func histogramQuantilesAreWithinOneBucketOfTheTruth() {
        var histogram = LatencyHistogram()
        for millis in 1...100 { histogram.record(nanos: UInt64(millis) * 1_000_000) }
        let p50 = Double(histogram.quantile(0.5)), p99 = Double(histogram.quantile(0.99))
        #expect(p50 >= 50_000_000 && p50 <= 50_000_000 * 1.125)
        #expect(p99 >= 99_000_000 && p99 <= 99_000_000 * 1.125)
        #expect(LatencyHistogram().quantile(0.5) == 0)
    }

    @Test func everyDurationLiesWithinItsBucketsBounds() {
        for nanos: UInt64 in [0, 1, 1_023, 1_024, 1_500, 65_535, 1_000_000_007, UInt64.max / 3, UInt64.max] {
            let bucket = LatencyHistogram.bucket(of: nanos)
            #expect(nanos <= LatencyHistogram.upperBound(of: bucket))
            if bucket > 0 { #expect(nanos > LatencyHistogram.upperBound(of: bucket - 1)) }
        }
    }

    @Test func mergingHistogramsAddsTheirCounts() {
        var a = LatencyHistogram(), b = LatencyHistogram()
        a.record(nanos: 2_000); b.record(nanos: 2_000); b.record(nanos: 9_000_000)
        a.merge(b)
        #expect(a.total == 3)
        #expect(a.counts[LatencyHistogram.bucket(of: 2_000)] == 2)
    }
}
