import CoreMetrics
import Testing
import TrellisCodec
import TrellisModel
@testable import TrellisPipeline

@Suite("Tail sampling policies")
struct TailSamplingPolicyTests {
    @Test func latencyMeasuresEarliestStartToLatestEndAcrossSpansAndHonoursUpperBound() async throws {
        // Trace 1: two 100 ms spans 400 ms apart → 500 ms. Trace 2: 50 ms. Trace 3: 2 s.
        let batches = [
            TS.batch([TS.span(1, 1, startMs: 0, durationMs: 100), TS.span(1, 2, parent: 1, startMs: 400, durationMs: 100)]),
            TS.batch([TS.span(2, 1, durationMs: 50), TS.span(3, 1, durationMs: 2_000)]),
        ]
        let lowerOnly = try await TS.sampled([TS.policy("slow", .latency(LatencyPolicyConfig(thresholdMs: 500)))], batches)
        #expect(lowerOnly == [TS.id(1), TS.id(3)])
        let bounded = try await TS.sampled([TS.policy("mid", .latency(LatencyPolicyConfig(thresholdMs: 100, upperThresholdMs: 1_000)))], batches)
        #expect(bounded == [TS.id(1)])
    }

    @Test func statusCodeSamplesTracesWithAnyListedStatus() async throws {
        let batch = TS.batch([TS.span(1, 1), TS.span(1, 2, parent: 1, status: .error), TS.span(2, 1, status: .ok), TS.span(3, 1)])
        #expect(try await TS.sampled([TS.policy("errors", .statusCode(StatusCodePolicyConfig(statusCodes: [.error])))], [batch]) == [TS.id(1)])
        #expect(try await TS.sampled([TS.policy("ok-unset", .statusCode(StatusCodePolicyConfig(statusCodes: [.ok, .unset])))], [batch]) == [TS.id(1), TS.id(2), TS.id(3)])
    }

    @Test func stringAttributeMatchesSpanOrResourceAttributesExactly() async throws {
        let batches = [
            TS.batch([TS.span(1, 1, attributes: [Attribute("http.route", .string("/api/orders"))])]),
            TS.batch([TS.span(2, 1)], service: "checkout"),
            TS.batch([TS.span(3, 1, attributes: [Attribute("http.route", .string("/api/orders/7"))])]),
        ]
        let route = try await TS.sampled([TS.policy("orders", .stringAttribute(StringAttributePolicyConfig(key: "http.route", values: ["/api/orders"])))], batches)
        #expect(route == [TS.id(1)])
        let service = try await TS.sampled([TS.policy("svc", .stringAttribute(StringAttributePolicyConfig(key: "service.name", values: ["checkout"])))], batches)
        #expect(service == [TS.id(2)], "resource attributes count")
    }

    @Test func stringAttributeRegexMatchesAnywhereUnlessAnchored() async throws {
        let batches = [
            TS.batch([TS.span(1, 1, attributes: [Attribute("http.route", .string("/health"))])]),
            TS.batch([TS.span(2, 1, attributes: [Attribute("http.route", .string("/api/health/deep"))])]),
            TS.batch([TS.span(3, 1, attributes: [Attribute("http.route", .string("/api/users"))])]),
        ]
        let unanchored = StringAttributePolicyConfig(key: "http.route", values: ["health"], enabledRegexMatching: true)
        #expect(try await TS.sampled([TS.policy("re", .stringAttribute(unanchored))], batches) == [TS.id(1), TS.id(2)])
        let anchored = StringAttributePolicyConfig(key: "http.route", values: ["^/health$", "^/api/u.*s$"], enabledRegexMatching: true, cacheMaxSize: 1)
        #expect(try await TS.sampled([TS.policy("re", .stringAttribute(anchored))], batches) == [TS.id(1), TS.id(3)])
    }

    @Test func invertMatchSamplesNonMatchingTracesAndVetoesMatchingOnes() async throws {
        let batches = [
            TS.batch([TS.span(1, 1, attributes: [Attribute("http.route", .string("/health"))], status: .error)]),
            TS.batch([TS.span(2, 1, attributes: [Attribute("http.route", .string("/api"))])]),
            TS.batch([TS.span(3, 1, status: .error)]),
        ]
        let notHealth = TS.policy("not-health", .stringAttribute(StringAttributePolicyConfig(key: "http.route", values: ["/health"], invertMatch: true)))
        #expect(try await TS.sampled([notHealth], batches) == [TS.id(2), TS.id(3)])
        // As in the collector: a matched invert_match vetoes even an error trace that another policy samples,
        // and a plain "not sampled" from another policy cancels an inverted "sampled".
        let errors = TS.policy("errors", .statusCode(StatusCodePolicyConfig(statusCodes: [.error])))
        #expect(try await TS.sampled([notHealth, errors], batches) == [TS.id(3)])
        let numeric = TS.policy("not-5xx", .numericAttribute(NumericAttributePolicyConfig(key: "code", minValue: 500, maxValue: 599, invertMatch: true)))
        let bool = TS.policy("not-synthetic", .booleanAttribute(BooleanAttributePolicyConfig(key: "synthetic", value: true, invertMatch: true)))
        let more = [
            TS.batch([TS.span(4, 1, attributes: [Attribute("code", .int(503))])]),
            TS.batch([TS.span(5, 1, attributes: [Attribute("synthetic", .bool(true))])]),
            TS.batch([TS.span(6, 1, attributes: [Attribute("code", .int(200)), Attribute("synthetic", .bool(false))])]),
        ]
        #expect(try await TS.sampled([numeric], more) == [TS.id(5), TS.id(6)])
        #expect(try await TS.sampled([bool], more) == [TS.id(4), TS.id(6)])
    }

    @Test func numericAttributeRangesAreInclusiveAndMayBeOpen() async throws {
        let batches = (1...6).map { n -> TraceBatch in
            let values: [AttributeValue] = [.int(199), .int(200), .int(404), .int(500), .double(500.5), .string("500")]
            return TS.batch([TS.span(UInt64(n), 1, attributes: [Attribute("code", values[n - 1])])])
        }
        func run(_ min: Int64?, _ max: Int64?) async throws -> Set<TraceID> {
            try await TS.sampled([TS.policy("n", .numericAttribute(NumericAttributePolicyConfig(key: "code", minValue: min, maxValue: max)))], batches)
        }
        #expect(try await run(200, 404) == [TS.id(2), TS.id(3)])
        #expect(try await run(500, nil) == [TS.id(4), TS.id(5)], "doubles compare too; strings never")
        #expect(try await run(nil, 199) == [TS.id(1)])
    }

    @Test func booleanAttributeMatchesResourceOrSpan() async throws {
        let batches = [
            TS.batch([TS.span(1, 1, attributes: [Attribute("keep", .bool(true))])]),
            TS.batch([TS.span(2, 1)], resourceAttributes: [Attribute("keep", .bool(true))]),
            TS.batch([TS.span(3, 1, attributes: [Attribute("keep", .string("true"))])]),
        ]
        #expect(try await TS.sampled([TS.policy("b", .booleanAttribute(BooleanAttributePolicyConfig(key: "keep", value: true)))], batches) == [TS.id(1), TS.id(2)])
    }

    @Test func spanCountAndTraceStatePolicies() async throws {
        let batches = [
            TS.batch([TS.span(1, 1), TS.span(1, 2, parent: 1), TS.span(1, 3, parent: 1)]),
            TS.batch([TS.span(2, 1, traceState: "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7")]),
            TS.batch([TS.span(3, 1, traceState: "rojo=other")]),
        ]
        #expect(try await TS.sampled([TS.policy("c", .spanCount(SpanCountPolicyConfig(minSpans: 2)))], batches) == [TS.id(1)])
        #expect(try await TS.sampled([TS.policy("c", .spanCount(SpanCountPolicyConfig(minSpans: 1, maxSpans: 1)))], batches) == [TS.id(2), TS.id(3)])
        #expect(try await TS.sampled([TS.policy("ts", .traceState(TraceStatePolicyConfig(key: "rojo", values: ["00f067aa0ba902b7"])))], batches) == [TS.id(2)])
    }

    @Test func andNotAndDropCombineSubPolicies() async throws {
        let batches = [
            TS.batch([TS.span(1, 1, status: .error)], service: "checkout"),
            TS.batch([TS.span(2, 1, status: .error)], service: "other"),
            TS.batch([TS.span(3, 1)], service: "checkout"),
        ]
        let checkout = TS.policy("checkout", .stringAttribute(StringAttributePolicyConfig(key: "service.name", values: ["checkout"])))
        let errors = TS.policy("errors", .statusCode(StatusCodePolicyConfig(statusCodes: [.error])))
        #expect(try await TS.sampled([TS.policy("both", .and([checkout, errors]))], batches) == [TS.id(1)])
        #expect(try await TS.sampled([TS.policy("not-checkout", .not(checkout))], batches) == [TS.id(2)])
        let keepAll = TS.policy("all", .alwaysSample)
        #expect(try await TS.sampled([keepAll, TS.policy("drop-checkout-errors", .drop([checkout, errors]))], batches) == [TS.id(2), TS.id(3)])
    }

    @Test func dropWinsOverEverySamplingPolicyAndIsCountedUnderItsName() async throws {
        let metrics = CountingMetrics()
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let health = TS.policy("health", .stringAttribute(StringAttributePolicyConfig(key: "http.route", values: ["/health"])))
        let config = TS.config([
            TS.policy("keep-all", .alwaysSample),
            TS.policy("errors", .statusCode(StatusCodePolicyConfig(statusCodes: [.error]))),
            TS.policy("drop-health", .drop([health])),
        ])
        let processor = TailSamplingProcessor(config: config, next: sink, memory: nil, metrics: metrics, clock: clock)
        try await processor.consume(TS.batch([
            TS.span(1, 1, attributes: [Attribute("http.route", .string("/health"))], status: .error),
            TS.span(1, 2, parent: 1),
            TS.span(2, 1),
        ]))
        clock.advance(by: .seconds(10))
        await processor.tick()
        #expect(sink.traceIDs == [TS.id(2)])
        #expect(metrics.value("trellis_processor_tail_sampling_sampled_traces_total") == 1)
        #expect(metrics.value("trellis_processor_tail_sampling_not_sampled_traces_total", [("policy", "drop-health")]) == 1)
        #expect(metrics.value("trellis_processor_dropped_spans_total", [("processor", "tail_sampling"), ("reason", "not_sampled")]) == 2)
    }

    @Test func tracesNoPolicyWantsAreCountedUnderNone() async throws {
        let metrics = CountingMetrics()
        let clock = ManualClock()
        let processor = TailSamplingProcessor(
            config: TS.config([TS.policy("errors", .statusCode(StatusCodePolicyConfig(statusCodes: [.error])))]),
            next: TailSamplingRecorder(), memory: nil, metrics: metrics, clock: clock)
        try await processor.consume(TS.batch([TS.span(1, 1)]))
        clock.advance(by: .seconds(10))
        await processor.tick()
        #expect(metrics.value("trellis_processor_tail_sampling_not_sampled_traces_total", [("policy", "none")]) == 1)
    }

    @Test func probabilisticAgreesAcrossInstancesAndKeepsRoughlyTheConfiguredShare() async throws {
        var random = SplitMix64(seed: 42)
        let ids = (0..<10_000).map { _ in TraceID(high: random.next(), low: random.next()) }
        let config = ProbabilisticPolicyConfig(samplingPercentage: 25, hashSalt: "trellis")
        let a = ProbabilisticPolicy(config)
        let b = ProbabilisticPolicy(config)
        var keptA = 0
        for id in ids {
            let trace = PendingTrace(traceID: id, slices: [], inputs: SliceInputs())
            let da = a.evaluate(trace, now: .zero)
            #expect(da == b.evaluate(trace, now: .zero))
            if da == .sampled { keptA += 1 }
        }
        #expect((2_250...2_750).contains(keptA), "kept \(keptA) of 10000 at 25 %")

        // Whole processors on separate "instances" keep the same traces.
        let batches = stride(from: 0, to: 500, by: 50).map { start in
            TS.batch((start..<start + 50).map { TS.span(UInt64($0) &* 0x9E37_79B9_7F4A_7C15, 1) })
        }
        let policy = [TS.policy("p", .probabilistic(config))]
        let first = try await TS.sampled(policy, batches)
        let second = try await TS.sampled(policy, batches)
        #expect(first == second)
        #expect(!first.isEmpty && first.count < 500)
        // A different salt picks a different set; 0 % and 100 % are exact.
        let otherSalt = try await TS.sampled([TS.policy("p", .probabilistic(ProbabilisticPolicyConfig(samplingPercentage: 25, hashSalt: "x")))], batches)
        #expect(otherSalt != first)
        #expect(try await TS.sampled([TS.policy("p", .probabilistic(ProbabilisticPolicyConfig(samplingPercentage: 0)))], batches).isEmpty)
        #expect(try await TS.sampled([TS.policy("p", .probabilistic(ProbabilisticPolicyConfig(samplingPercentage: 100)))], batches).count == 500)
    }

    @Test func rateLimitingAllowsSpansPerSecondAndRefillsEachSimulatedSecond() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let config = TS.config([TS.policy("rate", .rateLimiting(RateLimitingPolicyConfig(spansPerSecond: 10)))], wait: 1)
        let processor = TailSamplingProcessor(config: config, next: sink, memory: nil, metrics: NOOPMetricsHandler.instance, clock: clock)
        // Second 0: 6 traces of 3 spans; decided together at t=1s: only 3 fit in 10 spans.
        for t in 1...6 { try await processor.consume(TS.batch((1...3).map { TS.span(UInt64(t), UInt64($0)) })) }
        clock.advance(by: .seconds(1))
        await processor.tick()
        #expect(sink.traceIDs.count == 3)
        #expect(sink.spans.count == 9)
        // The next second has a fresh budget.
        for t in 11...16 { try await processor.consume(TS.batch((1...3).map { TS.span(UInt64(t), UInt64($0)) })) }
        clock.advance(by: .seconds(1))
        await processor.tick()
        #expect(sink.traceIDs.count == 6)
        // A single trace larger than the budget is never sampled.
        try await processor.consume(TS.batch((1...11).map { TS.span(99, UInt64($0)) }))
        clock.advance(by: .seconds(1))
        await processor.tick()
        #expect(!sink.traceIDs.contains(TS.id(99)))
    }

    @Test func bytesLimitingIsATokenBucketOfEncodedBytes() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let oneTrace = TS.batch([TS.span(1, 1)])
        let probe = PendingTrace(traceID: TS.id(1), slices: oneTrace.slices.map { OTLPProtobufEncoder().encoded($0) }, inputs: SliceInputs())
        let size = Int64(OTLPWireSize.trace(probe))
        // Bucket holds exactly two traces and refills one trace per second.
        let config = TS.config([TS.policy("bytes", .bytesLimiting(BytesLimitingPolicyConfig(bytesPerSecond: size, burstCapacity: size * 2)))], wait: 1)
        let processor = TailSamplingProcessor(config: config, next: sink, memory: nil, metrics: NOOPMetricsHandler.instance, clock: clock)
        for t in 1...4 { try await processor.consume(TS.batch([TS.span(UInt64(t), 1)])) }
        clock.advance(by: .seconds(1))
        await processor.tick()
        #expect(sink.traceIDs.count == 2)
        for t in 5...8 { try await processor.consume(TS.batch([TS.span(UInt64(t), 1)])) }
        clock.advance(by: .seconds(1))
        await processor.tick()
        #expect(sink.traceIDs.count == 3, "one second refilled one trace's bytes")
    }

    @Test func compositeAllocatesTheRateByPercentInPolicyOrder() async throws {
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let errors = TS.policy("errors", .statusCode(StatusCodePolicyConfig(statusCodes: [.error])))
        let everything = TS.policy("rest", .alwaysSample)
        let composite = CompositePolicyConfig(
            maxTotalSpansPerSecond: 10, policyOrder: ["errors", "rest"], subPolicies: [everything, errors],
            rateAllocation: [.init(policy: "errors", percent: 60), .init(policy: "rest", percent: 40)])
        let config = TS.config([TS.policy("capped", .composite(composite))], wait: 1)
        try config.validate()
        let processor = TailSamplingProcessor(config: config, next: sink, memory: nil, metrics: NOOPMetricsHandler.instance, clock: clock)
        // 10 one-span error traces and 10 one-span plain ones in the same second.
        for t in 1...10 { try await processor.consume(TS.batch([TS.span(UInt64(t), 1, status: .error)])) }
        for t in 11...20 { try await processor.consume(TS.batch([TS.span(UInt64(t), 1)])) }
        clock.advance(by: .seconds(1))
        await processor.tick()
        let kept = sink.spans
        // errors: 6 by their own share, then 4 more through "rest" (an error matches always_sample too,
        // and a trace refused by one share may be taken by a later one); the total cap is 10.
        #expect(kept.count == 10)
        #expect(kept.filter { $0.status.code == .error }.count == 10)

        // Next second, with fewer errors, plain traces get the "rest" share (4 spans) only.
        for t in 21...22 { try await processor.consume(TS.batch([TS.span(UInt64(t), 1, status: .error)])) }
        for t in 31...40 { try await processor.consume(TS.batch([TS.span(UInt64(t), 1)])) }
        clock.advance(by: .seconds(1))
        await processor.tick()
        let second = sink.spans.dropFirst(10)
        #expect(second.filter { $0.status.code == .error }.count == 2)
        #expect(second.filter { $0.status.code != .error }.count == 4)
    }
}
