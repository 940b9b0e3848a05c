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

    private func links(_ batch: TraceBatch) -> [DependencyLink] {
        var all = DependencySummary()
        for summary in DependencySummary.bucketed(batch, bucketNanos: 1_000_000_000).values { all.merge(summary) }
        return all.sortedLinks
    }

    @Test func callsCrossServiceBoundariesAndNameUninstrumentedPeers() {
        let calls = links(greeting).sorted { $0.child < $1.child }
        #expect(calls.map { "\($0.parent)->\($0.child)" } == ["node-service->demo-service", "demo-service->postgresql"])
        #expect(calls[0].latency.total == 1 && calls[0].errorCount == 1 && !calls[0].childIsVirtual)
        #expect(calls[0].latency.quantile(0.5) == LatencyHistogram.upperBound(of: LatencyHistogram.bucket(of: 70_000_000)))
        #expect(calls[1].latency.quantile(0.5) == LatencyHistogram.upperBound(of: LatencyHistogram.bucket(of: 10_000_000)))
        #expect(calls[1].errorCount == 0 && calls[1].childIsVirtual)
    }

    @Test func aClientSpanWithAnInstrumentedChildIsNotAlsoAVirtualCall() {
        var batch = greeting
        batch.resourceSpans[0].scopeSpans[0].spans[1].attributes = [Attribute("server.address", .string("demo"))]
        #expect(!links(batch).contains { $0.child == "demo" })
    }

    /// The caller's CLIENT span and the callee's SERVER span in writes seconds apart, in either order.
    @Test(arguments: [false, true])
    func aCallWhoseSidesArriveInDifferentWritesIsOneEdge(calleeFirst: Bool) {
        let front = TraceBatch(resourceSpans: [greeting.resourceSpans[0]])
        let back = TraceBatch(resourceSpans: [greeting.resourceSpans[1]])
        var pairing = DependencyPairing(wait: .seconds(10), maxWaiting: 100, bucketNanos: 1_000_000_000)
        var all = DependencySummary()
        for (write, at) in [(calleeFirst ? back : front, Duration.zero), (calleeFirst ? front : back, .seconds(3))] {
            for summary in pairing.add(TraceSlice.slices(of: write, indexedKeys: .none), now: at).values { all.merge(summary) }
        }
        let edge = all.links[DependencySummary.LinkKey(parent: "node-service", child: "demo-service")]
        #expect(edge?.callCount == 1 && edge?.errorCount == 1)
        #expect(all.links.count == 1, "the database call waits for a callee until its wait ends")
        for summary in pairing.add([], now: .seconds(20)).values { all.merge(summary) }
        #expect(all.links[DependencySummary.LinkKey(parent: "demo-service", child: "postgresql")]?.childIsVirtual == true)
        #expect(pairing.waitingSpans == 0 && pairing.unpairedSpans == 0)
    }

    @Test func aSideWhoseOtherSideNeverComesIsCountedUnpairedWhenItsWaitEnds() {
        // demo-service's SERVER span, whose caller never arrives; and a PRODUCER span with no consumer.
        var orphan = TraceBatch(resourceSpans: [greeting.resourceSpans[1]])
        orphan.resourceSpans[0].scopeSpans[0].spans[1].kind = .producer
        var pairing = DependencyPairing(wait: .seconds(2), maxWaiting: 100, bucketNanos: 1_000_000_000)
        _ = pairing.add(TraceSlice.slices(of: orphan, indexedKeys: .none), now: .zero)
        #expect(pairing.waitingSpans == 2)
        _ = pairing.add([], now: .seconds(1))
        #expect(pairing.waitingSpans == 2 && pairing.unpairedSpans == 0)
        _ = pairing.add([], now: .seconds(2))
        #expect(pairing.waitingSpans == 0 && pairing.unpairedSpans == 2)
    }

    @Test func theOldestWaitsEndFirstWhenTooManySpansWait() {
        var pairing = DependencyPairing(wait: .seconds(60), maxWaiting: 1, bucketNanos: 1_000_000_000)
        var all = DependencySummary()
        for summary in pairing.add(TraceSlice.slices(of: TraceBatch(resourceSpans: [greeting.resourceSpans[1]]), indexedKeys: .none), now: .zero).values { all.merge(summary) }
        // The SERVER span waited first and is pushed out by the database CLIENT span.
        #expect(pairing.waitingSpans == 1 && pairing.unpairedSpans == 1)
        for summary in pairing.endWaits().values { all.merge(summary) }
        #expect(all.sortedLinks.map(\.child) == ["postgresql"])
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

    /// Past 32 spans a trace's spans are looked up through a dictionary rather than scanned.
    @Test func aLargeTraceInOneWritePairsEveryCall() {
        let clients = (0..<40).map { n in span(UInt64(100 + n), parent: 1, kind: .client, start: 2_000, end: 80_000_000) }
        let servers = (0..<40).map { n in span(UInt64(200 + n), parent: UInt64(100 + n), kind: .server, start: 5_000, end: 70_000_000) }
        let batch = TraceBatch(resourceSpans: [
            service("node-service", [span(1, kind: .server, start: 1_000, end: 90_000_000)] + clients),
            service("demo-service", servers),
        ])
        var pairing = DependencyPairing(wait: .seconds(10), maxWaiting: 1_000, bucketNanos: 1_000_000_000)
        var all = DependencySummary()
        for summary in pairing.add(TraceSlice.slices(of: batch, indexedKeys: .none), now: .zero).values { all.merge(summary) }
        #expect(all.links[DependencySummary.LinkKey(parent: "node-service", child: "demo-service")]?.callCount == 40)
        #expect(pairing.waitingSpans == 0)
    }

    @Test func histogramQuantilesAreWithinOneBucketOfTheTruth() {
        var histogram = LatencyHistogram()
        for millis in 1...100 { histogram.record(nanos: UInt64(millis) * 1_000_000) }
        let p50 = Double(histogram.quantile(0.5)), p99 = Double(histogram.quantile(0.99))
        #expect(p50 >= 50_000_000 && p50 <= 50_000_000 * 1.125)
        #expect(p99 >= 99_000_000 && p99 <= 99_000_000 * 1.125)
        #expect(LatencyHistogram().quantile(0.5) == 0)
    }

    @Test func aQuantileWhoseRankIsWholeInDecimalIsNotOneRankTooHigh() {
        // 0.07 × 100 is 7.000000000000001 in binary floating point: the rank is still 7.
        #expect(0.07 * 100.0 > 7)
        #expect(NearestRank.of(0.07, count: 100) == 7)
        #expect(NearestRank.of(0.071, count: 100) == 8)
        #expect(NearestRank.of(0.95, count: 20) == 19 && NearestRank.of(0, count: 5) == 1 && NearestRank.of(1, count: 5) == 5)
        #expect(NearestRank.of(0.5, count: 0) == 0)
        var histogram = LatencyHistogram()
        for millis in 1...100 { histogram.record(nanos: UInt64(millis) * 1_000_000) }
        #expect(histogram.quantile(0.07) == LatencyHistogram.upperBound(of: LatencyHistogram.bucket(of: 7_000_000)))
        #expect(LatencyHistogram.bucket(of: 7_000_000) != LatencyHistogram.bucket(of: 8_000_000))
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
