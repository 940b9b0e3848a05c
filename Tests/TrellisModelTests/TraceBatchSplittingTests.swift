import Testing
import TrellisModel

@Suite struct TraceBatchSplittingTests {
    private func traces(of batch: TraceBatch) -> [TraceID: [Span]] {
        Dictionary(grouping: batch.flattened.map(\.span), by: \.traceID)
    }

    @Test func splittingKeepingTracesPutsEachTraceWholeIntoOneBatchOfAtMostTheLimit() {
        var random = SplitMix64(seed: 5)
        let batch = SyntheticTraces(spansPerTrace: 7).request(spanCount: 1_000, startNanos: 1_700_000_000_000_000_000, random: &random)
        let parts = batch.splitKeepingTraces(maxSpans: 100)
        #expect(parts.count > 1)
        #expect(parts.allSatisfy { $0.spanCount <= 100 && $0.spanCount > 0 })
        #expect(parts.reduce(0) { $0 + $1.spanCount } == batch.spanCount)
        let whole = traces(of: batch)
        var seen: Set<TraceID> = []
        for part in parts {
            for (id, spans) in traces(of: part) {
                #expect(seen.insert(id).inserted, "trace \(id) is in two batches")
                #expect(spans == whole[id])
            }
        }
        #expect(seen == Set(whole.keys))
        // Every span keeps its resource.
        let services = Dictionary(batch.flattened.map { ($0.span.spanID, $0.resource.serviceName) }, uniquingKeysWith: { a, _ in a })
        for part in parts {
            for item in part.flattened { #expect(services[item.span.spanID] == item.resource.serviceName) }
        }
    }

    @Test func aTraceLargerThanTheLimitGetsABatchOfItsOwn() {
        var random = SplitMix64(seed: 6)
        let big = SyntheticTraces(spansPerTrace: 150).request(spanCount: 150, startNanos: 1, random: &random)
        let small = SyntheticTraces(spansPerTrace: 10).request(spanCount: 20, startNanos: 1, random: &random)
        let parts = TraceBatch.merging([small, big]).splitKeepingTraces(maxSpans: 100)
        #expect(parts.map(\.spanCount) == [20, 150])
        #expect(big.splitKeepingTraces(maxSpans: 0) == [big])
    }
}
