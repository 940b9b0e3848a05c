import CoreMetrics
import Testing
import TrellisModel
import TrellisPipeline

@Suite struct BatchProcessorTests {
    @Test func sendsWhenTheBatchSizeIsReachedSplitToTheMaxSize() async throws {
        let sink = RecordingSink()
        let accountant = MemoryAccountant()
        let batcher = BatchProcessor(config: BatchConfig(sendBatchSize: 250, sendBatchMaxSize: 300, timeout: .seconds(60)), next: sink, accountant: accountant, metrics: NOOPMetricsHandler.instance)
        try await batcher.consume(TestBatches.make(spans: 100, seed: 1))
        try await batcher.consume(TestBatches.make(spans: 100, seed: 2))
        #expect(sink.batches.isEmpty)
        #expect(accountant.heldBytes > 0)
        try await batcher.consume(TestBatches.make(spans: 200, seed: 3))
        #expect(sink.batches.map(\.spanCount) == [300, 100])
        #expect(accountant.heldBytes == 0)
    }

    @Test func sendsWhatWaitedPastTheTimeout() async throws {
        let sink = RecordingSink()
        let batcher = BatchProcessor(config: BatchConfig(sendBatchSize: 10_000, timeout: .milliseconds(50)), next: sink, accountant: nil, metrics: NOOPMetricsHandler.instance)
        try await batcher.consume(TestBatches.make(spans: 10))
        for _ in 0..<200 where sink.batches.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sink.spans.count == 10)
    }

    @Test func drainSendsEverythingWaitingAndDrainsTheNextStage() async throws {
        let sink = RecordingSink()
        let batcher = BatchProcessor(config: BatchConfig(sendBatchSize: 10_000, timeout: .seconds(60)), next: sink, accountant: nil, metrics: NOOPMetricsHandler.instance)
        let input = TestBatches.make(spans: 37)
        try await batcher.consume(input)
        await batcher.shutdown(deadline: .now + .seconds(30))
        #expect(sink.spans == input.flattened.map(\.span))
        #expect(sink.wasDrained)
    }

    /// A timer flush that is still delivering when `shutdown(deadline:)` begins finishes before the next stage
    /// is drained: otherwise the store could close under a write the pipeline had accepted.
    @Test func drainWaitsForATimerFlushInFlightBeforeDrainingTheNextStage() async throws {
        let sink = GatedSink()
        let batcher = BatchProcessor(config: BatchConfig(sendBatchSize: 10_000, timeout: .milliseconds(1)), next: sink, accountant: nil, metrics: NOOPMetricsHandler.instance)
        try await batcher.consume(TestBatches.make(spans: 5))
        await sink.waitUntilEntered()
        let drain = Task { await batcher.shutdown(deadline: .now + .seconds(30)) }
        await sink.waitForDrain(atMost: .milliseconds(200))
        sink.open()
        await drain.value
        #expect(sink.events == ["consumed", "drained"])
    }

    /// A next stage that keeps refusing does not hold shutdown past its deadline: what could not
    /// be handed on is counted as dropped for `shutdown_timeout`.
    @Test func shutdownStopsRetryingAtItsDeadlineAndCountsWhatItCouldNotHandOn() async throws {
        let sink = TailSamplingRecorder()
        sink.refuse(true)
        let metrics = CountingMetrics()
        let batcher = BatchProcessor(config: BatchConfig(sendBatchSize: 10_000, timeout: .seconds(60)), next: sink, accountant: nil, metrics: metrics)
        try await batcher.consume(TestBatches.make(spans: 10))
        await batcher.shutdown(deadline: .now + .milliseconds(50))
        #expect(sink.spans.isEmpty)
        #expect(metrics.value("trellis_processor_dropped_spans_total", [("processor", "batch"), ("reason", "shutdown_timeout")]) == 10)
        #expect(sink.wasDrained)
    }
}
