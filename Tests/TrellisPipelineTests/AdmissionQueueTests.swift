import CoreMetrics
import Synchronization
import Testing
import TrellisModel
import TrellisPipeline

@Suite struct AdmissionQueueTests {
    private func batch(spans: Int) -> TraceBatch {
        var random = SplitMix64(seed: UInt64(spans))
        return SyntheticTraces().request(spanCount: spans, startNanos: 0, random: &random)
    }

    @Test func refusesRetryablyWhenFullAndAcceptsAgainOnceDelivered() async throws {
        let sink = GatedSink()
        let queue = AdmissionQueue(capacitySpans: 250, next: sink, metrics: NOOPMetricsHandler.instance)
        try await queue.consume(batch(spans: 100))
        try await queue.consume(batch(spans: 100))
        await #expect(throws: PipelineRefusal.overloaded(reason: "admission queue holds 200 of 250 spans", retryAfterSeconds: 1)) {
            try await queue.consume(batch(spans: 100))
        }
        sink.open()
        await queue.shutdown(deadline: .now + .seconds(30))
        #expect(sink.receivedSpans == [100, 100])
    }

    @Test func anOversizedBatchIsAcceptedWhenTheQueueIsEmpty() async throws {
        let sink = GatedSink()
        sink.open()
        let queue = AdmissionQueue(capacitySpans: 10, next: sink, metrics: NOOPMetricsHandler.instance)
        try await queue.consume(batch(spans: 50))
        await queue.shutdown(deadline: .now + .seconds(30))
        #expect(sink.receivedSpans == [50])
    }

    @Test func drainDeliversEverythingAcceptedThenRefusesNewBatches() async throws {
        let sink = GatedSink()
        let queue = AdmissionQueue(capacitySpans: 10_000, next: sink, metrics: NOOPMetricsHandler.instance)
        for i in 1...20 { try await queue.consume(batch(spans: i)) }
        sink.open()
        await queue.shutdown(deadline: .now + .seconds(30))
        #expect(sink.receivedSpans == Array(1...20))
        await #expect(throws: PipelineRefusal.shuttingDown) { try await queue.consume(batch(spans: 1)) }
    }
}
