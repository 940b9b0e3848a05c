import CoreMetrics
import Synchronization
import Testing
import TrellisModel
import TrellisPipeline

/// A downstream stage that holds every batch until the test opens it, and records what it got.
final class GatedSink: SpanConsumer {
    private let state = Mutex<(open: Bool, received: [Int], waiters: [CheckedContinuation<Void, Never>])>((false, [], []))

    func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        waiters.forEach { $0.resume() }
    }

    var receivedSpans: [Int] { state.withLock { $0.received } }

    func consume(_ batch: TraceBatch) async throws(PipelineRefusal) {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { s in
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
        state.withLock { $0.received.append(batch.spanCount) }
    }

    func drain() async {}
}

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
        await queue.drain()
        #expect(sink.receivedSpans == [100, 100])
    }

    @Test func anOversizedBatchIsAcceptedWhenTheQueueIsEmpty() async throws {
        let sink = GatedSink()
        sink.open()
        let queue = AdmissionQueue(capacitySpans: 10, next: sink, metrics: NOOPMetricsHandler.instance)
        try await queue.consume(batch(spans: 50))
        await queue.drain()
        #expect(sink.receivedSpans == [50])
    }

    @Test func drainDeliversEverythingAcceptedThenRefusesNewBatches() async throws {
        let sink = GatedSink()
        let queue = AdmissionQueue(capacitySpans: 10_000, next: sink, metrics: NOOPMetricsHandler.instance)
        for i in 1...20 { try await queue.consume(batch(spans: i)) }
        sink.open()
        await queue.drain()
        #expect(sink.receivedSpans == Array(1...20))
        await #expect(throws: PipelineRefusal.shuttingDown) { try await queue.consume(batch(spans: 1)) }
    }
}
