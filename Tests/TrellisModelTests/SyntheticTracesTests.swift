import Testing
import TrellisModel

@Suite struct SyntheticTracesTests {
    @Test func requestHasTheAskedSpanCountAndRealParentLinks() {
        var random = SplitMix64(seed: 3)
        let batch = SyntheticTraces(spansPerTrace: 5).request(spanCount: 100, startNanos: 1_000, random: &random)
        let spans = batch.flattened.map(\.span)
        #expect(spans.count == 100)
        #expect(Set(spans.map(\.spanID)).count == 100)
        #expect(Set(spans.map(\.traceID)).count == 20)
        let ids = Set(spans.map(\.spanID))
        #expect(spans.filter(\.isRoot).count == 20)
        #expect(spans.filter { !$0.isRoot }.allSatisfy { ids.contains($0.parentSpanID) })
        #expect(spans.allSatisfy { $0.attributes.count >= 10 })
    }

    @Test func sameSeedGivesSameTraces() {
        var a = SplitMix64(seed: 11)
        var b = SplitMix64(seed: 11)
        let factory = SyntheticTraces()
        #expect(factory.request(spanCount: 10, startNanos: 0, random: &a) == factory.request(spanCount: 10, startNanos: 0, random: &b))
    }
}
