import Testing
import TrellisModel
import TrellisPipeline

@Suite("Health gate")
struct HealthGateTests {
    private func batch(spans: Int) -> TraceBatch {
        var random = SplitMix64(seed: UInt64(spans))
        return SyntheticTraces().request(spanCount: spans, startNanos: 0, random: &random)
    }

    @Test func refusesRetryablyNamingEveryStandingProblemThenPassesOnceTheyClear() async throws {
        let health = PipelineHealth()
        let sink = RecordingSink()
        let gate = HealthGate(health: health, next: sink)
        try await gate.consume(batch(spans: 3))
        health.report("exporters.trellis_store", problem: "archive writes are failing (disk full)")
        health.report("exporters.b", problem: "down")
        await #expect(throws: PipelineRefusal.unavailable(reason: "exporters.b: down; exporters.trellis_store: archive writes are failing (disk full)")) {
            try await gate.consume(batch(spans: 2))
        }
        health.report("exporters.b", problem: nil)
        await #expect(throws: PipelineRefusal.unavailable(reason: "exporters.trellis_store: archive writes are failing (disk full)")) {
            try await gate.consume(batch(spans: 2))
        }
        health.report("exporters.trellis_store", problem: nil)
        try await gate.consume(batch(spans: 4))
        #expect(sink.spans.count == 7)
        #expect(PipelineRefusal.unavailable(reason: "x").retryAfterSeconds == 5)
    }
}
