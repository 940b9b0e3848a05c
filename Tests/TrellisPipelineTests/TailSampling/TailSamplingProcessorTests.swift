import CoreMetrics
import Testing
import TrellisModel
@testable import TrellisPipeline

@Suite("Tail sampling processor")
struct TailSamplingProcessorTests {
    private static let keepAll = [TS.policy("keep-all", .alwaysSample)]
    private static let errorsOnly = [TS.policy("errors", .statusCode(StatusCodePolicyConfig(statusCodes: [.error])))]

    @Test func traceSpanningTwoBatchesWaitsForDecisionWaitAndIsReleasedWhole() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let memory = MemoryAccountant()
        let processor = TailSamplingProcessor(config: TS.config(Self.errorsOnly), next: sink, memory: memory, metrics: NOOPMetricsHandler.instance, clock: clock)
        try await processor.consume(TS.batch([TS.span(1, 1), TS.span(2, 1)], service: "front"))
        clock.advance(by: .seconds(4))
        try await processor.consume(TS.batch([TS.span(1, 2, parent: 1, status: .error)], service: "back"))
        #expect(memory.heldBytes > 0)
        clock.advance(by: .seconds(5))
        await processor.tick()
        #expect(sink.spans.isEmpty, "9 s after the first span nothing is decided yet")
        #expect(processor.bufferedTraceCount == 2)
        clock.advance(by: .seconds(1))
        await processor.tick()
        // The error in the second batch decides for the whole trace; both resources are kept apart.
        #expect(sink.batches.count == 1)
        #expect(Set(sink.spans.map(\.spanID)) == [SpanID(1), SpanID(2)])
        #expect(sink.traceIDs == [TS.id(1)])
        let services = sink.batches[0].resourceSpans.map(\.resource.serviceName)
        #expect(services.sorted() == ["back", "front"])
        #expect(processor.bufferedTraceCount == 0)
        #expect(memory.heldBytes == 0, "every buffered byte is returned when forwarded or dropped")
    }

    /// The timer's tick that is still handing sampled traces on when `shutdown(deadline:)` begins finishes
    /// before the next stage is drained.
    @Test func drainWaitsForATickInFlightBeforeDrainingTheNextStage() async throws {
        let sink = GatedSink()
        var config = TS.config(Self.keepAll)
        config.decisionWait = .milliseconds(1)
        let processor = TailSamplingProcessor(config: config, next: sink, memory: nil, metrics: NOOPMetricsHandler.instance)
        try await processor.consume(TS.batch([TS.span(1, 1)]))
        await sink.waitUntilEntered()
        let drain = Task { await processor.shutdown(deadline: .now + .seconds(30)) }
        await sink.waitForDrain(atMost: .milliseconds(200))
        sink.open()
        await drain.value
        #expect(sink.events == ["consumed", "drained"])
    }

    @Test func sampledTracesOfOneTickGoOutAsOneRegroupedBatch() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let processor = TailSamplingProcessor(config: TS.config(Self.keepAll), next: sink, memory: nil, metrics: NOOPMetricsHandler.instance, clock: clock)
        for t in 1...5 { try await processor.consume(TS.batch([TS.span(UInt64(t), 1)])) }
        clock.advance(by: .seconds(10))
        await processor.tick()
        #expect(sink.batches.count == 1)
        #expect(sink.batches[0].resourceSpans.count == 1)
        #expect(sink.batches[0].resourceSpans[0].scopeSpans.count == 1)
        #expect(sink.spans.count == 5)
    }

    @Test func fullBufferDecidesTheOldestTraceEarlyInsteadOfDroppingIt() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let metrics = CountingMetrics()
        let processor = TailSamplingProcessor(config: TS.config(Self.errorsOnly, numTraces: 3), next: sink, memory: nil, metrics: metrics, clock: clock)
        try await processor.consume(TS.batch([TS.span(1, 1, status: .error)]))
        clock.advance(by: .seconds(1))
        try await processor.consume(TS.batch([TS.span(2, 1)]))
        try await processor.consume(TS.batch([TS.span(3, 1, status: .error)]))
        #expect(sink.spans.isEmpty)
        // The fourth trace overflows: trace 1 (the oldest) is decided now, and sampled.
        try await processor.consume(TS.batch([TS.span(4, 1, status: .error)]))
        #expect(sink.traceIDs == [TS.id(1)])
        #expect(processor.bufferedTraceCount == 3)
        // The fifth pushes out trace 2, which no policy wants.
        try await processor.consume(TS.batch([TS.span(5, 1)]))
        #expect(sink.traceIDs == [TS.id(1)])
        #expect(metrics.value("trellis_processor_tail_sampling_decided_early_total", [("reason", "num_traces")]) == 2)
        #expect(metrics.value("trellis_processor_tail_sampling_not_sampled_traces_total", [("policy", "none")]) == 1)
        #expect(metrics.value("trellis_processor_tail_sampling_buffered_traces") == 3)
        clock.advance(by: .seconds(10))
        await processor.tick()
        #expect(sink.traceIDs == [TS.id(1), TS.id(3), TS.id(4)])
    }

    @Test func rootSpanArrivalDecidesAfterTheShorterRootWait() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let metrics = CountingMetrics()
        let processor = TailSamplingProcessor(config: TS.config(Self.keepAll, wait: 10, rootWaitMs: 500), next: sink, memory: nil, metrics: metrics, clock: clock)
        try await processor.consume(TS.batch([TS.span(1, 2, parent: 1)])) // child first
        try await processor.consume(TS.batch([TS.span(2, 2, parent: 1)])) // never gets its root
        clock.advance(by: .seconds(2))
        try await processor.consume(TS.batch([TS.span(1, 1)]))           // root of trace 1 at t=2s
        clock.advance(by: .milliseconds(400))
        #expect(await processor.tick() == .milliseconds(2_500), "the next due decision is the root deadline")
        #expect(sink.spans.isEmpty)
        clock.advance(by: .milliseconds(100))
        await processor.tick()
        #expect(sink.traceIDs == [TS.id(1)])
        #expect(sink.spans.count == 2)
        #expect(metrics.value("trellis_processor_tail_sampling_decided_early_total", [("reason", "root_received")]) == 1)
        clock.advance(by: .seconds(8))
        await processor.tick()
        #expect(sink.traceIDs == [TS.id(1), TS.id(2)], "without a root the trace waits decision_wait")
    }

    @Test func lateSpansFollowTheCachedDecisionThenStartANewTraceAfterEviction() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let metrics = CountingMetrics()
        let memory = MemoryAccountant()
        let config = TS.config(Self.errorsOnly, sampledCache: 1, nonSampledCache: 1)
        let processor = TailSamplingProcessor(config: config, next: sink, memory: memory, metrics: metrics, clock: clock)
        try await processor.consume(TS.batch([TS.span(1, 1, status: .error), TS.span(2, 1)]))
        clock.advance(by: .seconds(10))
        await processor.tick()
        #expect(sink.traceIDs == [TS.id(1)])

        // Late spans: trace 1's go on at once (no tick), trace 2's are dropped and counted.
        try await processor.consume(TS.batch([TS.span(1, 2, parent: 1), TS.span(2, 2, parent: 1, status: .error)]))
        #expect(sink.spans.count == 2)
        #expect(sink.spans.last?.spanID == SpanID(2))
        #expect(processor.bufferedTraceCount == 0)
        #expect(metrics.value("trellis_processor_tail_sampling_late_spans_total", [("decision", "sampled")]) == 1)
        #expect(metrics.value("trellis_processor_tail_sampling_late_spans_total", [("decision", "not_sampled")]) == 1)
        #expect(metrics.value("trellis_processor_dropped_spans_total", [("processor", "tail_sampling"), ("reason", "not_sampled")]) == 2)
        #expect(memory.heldBytes == 0)

        // Deciding traces 3 (sampled) and 4 (not) evicts 1 and 2 from the one-entry caches.
        try await processor.consume(TS.batch([TS.span(3, 1, status: .error), TS.span(4, 1)]))
        clock.advance(by: .seconds(10))
        await processor.tick()
        try await processor.consume(TS.batch([TS.span(1, 3, parent: 1), TS.span(2, 3, parent: 1, status: .error)]))
        #expect(processor.bufferedTraceCount == 2, "forgotten traces start pending again")
        clock.advance(by: .seconds(10))
        await processor.tick()
        #expect(sink.spans.filter { $0.traceID == TS.id(2) }.map(\.spanID) == [SpanID(3)], "the new trace 2 has an error and is decided afresh")
        #expect(sink.spans.filter { $0.traceID == TS.id(1) }.count == 2, "the new trace 1 has no error")
    }

    @Test func drainDecidesEveryPendingTraceForwardsTheSampledOnesAndDrainsNext() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let memory = MemoryAccountant()
        let processor = TailSamplingProcessor(config: TS.config(Self.errorsOnly), next: sink, memory: memory, metrics: NOOPMetricsHandler.instance, clock: clock)
        try await processor.consume(TS.batch([TS.span(1, 1, status: .error), TS.span(2, 1), TS.span(3, 1, status: .error), TS.span(3, 2, parent: 1)]))
        await processor.shutdown(deadline: .now + .seconds(30))
        #expect(sink.traceIDs == [TS.id(1), TS.id(3)])
        #expect(sink.spans.count == 3)
        #expect(sink.wasDrained)
        #expect(processor.bufferedTraceCount == 0)
        #expect(memory.heldBytes == 0)
        await #expect(throws: PipelineRefusal.shuttingDown) { try await processor.consume(TS.batch([TS.span(9, 1)])) }
    }

    @Test func refusedSampledSpansAreKeptAndRetriedOnTheNextTick() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let memory = MemoryAccountant()
        let processor = TailSamplingProcessor(config: TS.config(Self.keepAll), next: sink, memory: memory, metrics: NOOPMetricsHandler.instance, clock: clock)
        try await processor.consume(TS.batch([TS.span(1, 1), TS.span(1, 2, parent: 1)]))
        sink.refuse(true)
        clock.advance(by: .seconds(10))
        await processor.tick()
        #expect(sink.spans.isEmpty)
        #expect(memory.heldBytes > 0, "refused spans stay accounted for")
        sink.refuse(false)
        await processor.tick()
        #expect(sink.spans.count == 2)
        #expect(memory.heldBytes == 0)
    }

    @Test func decisionsWaitWhileTheNextStageHoldsBackSampledSpans() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let processor = TailSamplingProcessor(config: TS.config(Self.keepAll, numTraces: 100_000), next: sink, memory: nil, metrics: NOOPMetricsHandler.instance, clock: clock)
        // 10,000 traces of 4 spans: 40,000 spans, more than the sampled spans allowed to wait for `next`.
        for first in stride(from: 0, to: 10_000, by: 500) {
            let spans = (first..<first + 500).flatMap { t in (1...4).map { TS.span(UInt64(t + 1), UInt64($0), parent: $0 == 1 ? 0 : 1) } }
            try await processor.consume(TS.batch(spans))
        }
        sink.refuse(true)
        clock.advance(by: .seconds(10))
        await processor.tick()
        #expect(processor.bufferedTraceCount == 10_000 - TailSamplingProcessor.maxOutgoingSpans / 4)
        sink.refuse(false)
        for _ in 0..<100 where processor.bufferedTraceCount > 0 { await processor.tick() }
        await processor.tick()
        #expect(sink.spans.count == 40_000)
    }

    @Test func timerDecidesOnItsOwnWithTheRealClock() async throws {
        let sink = TailSamplingRecorder()
        let config = TailSamplingConfig(decisionWait: .milliseconds(50), policies: Self.keepAll)
        let processor = TailSamplingProcessor(config: config, next: sink, memory: nil, metrics: NOOPMetricsHandler.instance)
        try await processor.consume(TS.batch([TS.span(1, 1)]))
        // Poll (not a fixed sleep): the timer ticks at most 100 ms apart.
        for _ in 0..<200 where sink.spans.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sink.traceIDs == [TS.id(1)])
        await processor.shutdown(deadline: .now + .seconds(30))
    }

    @Test func reportsFootprintPerBufferedSpanAgainstOTLPWireSize() async throws {
        let memory = MemoryAccountant()
        let clock = ManualClock()
        let processor = TailSamplingProcessor(config: TS.config(Self.keepAll, numTraces: 100_000), next: TailSamplingRecorder(), memory: memory, metrics: NOOPMetricsHandler.instance, clock: clock)
        var random = SplitMix64(seed: 7)
        let batch = SyntheticTraces(spansPerTrace: 5).request(spanCount: 1_000, startNanos: TS.base, random: &random)
        try await processor.consume(batch)
        var wire = 0
        for rs in batch.resourceSpans {
            for ss in rs.scopeSpans { wire += ss.spans.reduce(0) { $0 + OTLPWireSize.field(OTLPWireSize.span($1)) } }
        }
        let perSpanFootprint = Double(memory.heldBytes) / Double(batch.spanCount)
        let perSpanWire = Double(wire) / Double(batch.spanCount)
        print("tail_sampling footprint: \(Int(perSpanFootprint)) B per buffered SyntheticTraces span vs \(Int(perSpanWire)) B OTLP protobuf (span message in ScopeSpans); ratio \(String(Int(perSpanFootprint / perSpanWire * 100)))%")
        #expect(memory.heldBytes > 0)
        await processor.shutdown(deadline: .now + .seconds(30))
        #expect(memory.heldBytes == 0)
    }
}
