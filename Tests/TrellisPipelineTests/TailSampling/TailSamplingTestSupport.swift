import CoreMetrics
import Synchronization
import TrellisModel
@testable import TrellisPipeline

/// A clock the test moves by hand. Sleeping on it never ends on its own (the processor's timer
/// stays idle), so tests drive decisions with `tick()` after `advance(by:)`.
struct ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private final class Box: Sendable {
        let now = Mutex(Duration.zero)
    }

    private let box = Box()

    var now: Instant { Instant(offset: box.now.withLock { $0 }) }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) {
        box.now.withLock { $0 += duration }
    }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await Task.sleep(for: .seconds(86_400))
    }
}

/// The downstream consumer of the tests: records every batch; can be told to refuse.
final class TailSamplingRecorder: SpanConsumer {
    private let received = Mutex<[[TraceSlice]]>([])
    private let refusing = Atomic<Bool>(false)
    private let drained = Atomic<Bool>(false)

    var batches: [TraceBatch] { received.withLock { $0 }.map(\.batch) }
    var spans: [Span] { batches.flatMap { $0.flattened.map(\.span) } }
    var traceIDs: Set<TraceID> { Set(spans.map(\.traceID)) }
    var wasDrained: Bool { drained.load(ordering: .relaxed) }

    func refuse(_ on: Bool) { refusing.store(on, ordering: .relaxed) }

    func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        if refusing.load(ordering: .relaxed) { throw .overloaded(reason: "test refuses", retryAfterSeconds: 1) }
        received.withLock { $0.append(slices) }
    }

    func shutdown(deadline: ContinuousClock.Instant) async {
        drained.store(true, ordering: .relaxed)
    }
}

/// A metrics factory that keeps counter totals and gauge values by "label{k=v,...}".
final class CountingMetrics: MetricsFactory {
    private final class Store: Sendable {
        let values = Mutex<[String: Double]>([:])
    }

    private final class Handler: CounterHandler, RecorderHandler, TimerHandler, Sendable {
        let key: String
        let store: Store
        init(key: String, store: Store) {
            self.key = key
            self.store = store
        }
        func increment(by amount: Int64) { store.values.withLock { $0[key, default: 0] += Double(amount) } }
        func reset() { store.values.withLock { $0[key] = 0 } }
        func record(_ value: Int64) { store.values.withLock { $0[key] = Double(value) } }
        func record(_ value: Double) { store.values.withLock { $0[key] = value } }
        func recordNanoseconds(_ duration: Int64) {}
    }

    private let store = Store()

    func value(_ label: String, _ dimensions: [(String, String)] = []) -> Double {
        store.values.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.isEmpty ? label : label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { Handler(key: Self.key(label, dimensions), store: store) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { Handler(key: Self.key(label, dimensions), store: store) }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Handler(key: Self.key(label, dimensions), store: store) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// Builders for hand-made traces.
enum TS {
    static let base: UInt64 = 1_700_000_000_000_000_000

    static func id(_ n: UInt64) -> TraceID { TraceID(high: 0xABCD, low: n) }

    static func span(
        _ trace: UInt64, _ spanID: UInt64, parent: UInt64 = 0, startMs: UInt64 = 0, durationMs: UInt64 = 1,
        attributes: [Attribute] = [], status: SpanStatus.Code = .unset, traceState: String = ""
    ) -> Span {
        Span(
            traceID: id(trace), spanID: SpanID(spanID), parentSpanID: SpanID(parent), traceState: traceState,
            name: "op-\(spanID)", kind: .server,
            startTimeUnixNano: base + startMs * 1_000_000, endTimeUnixNano: base + (startMs + durationMs) * 1_000_000,
            attributes: attributes, status: SpanStatus(code: status))
    }

    static func batch(_ spans: [Span], service: String = "svc", resourceAttributes: [Attribute] = []) -> TraceBatch {
        TraceBatch(resourceSpans: [ResourceSpans(
            resource: Resource(attributes: [Attribute("service.name", .string(service))] + resourceAttributes),
            scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "test"), spans: spans)])])
    }

    static func config(
        _ policies: [SamplingPolicyConfig], wait: Int64 = 10, numTraces: Int = 1000, rootWaitMs: Int64? = nil,
        sampledCache: Int = 0, nonSampledCache: Int = 0
    ) -> TailSamplingConfig {
        TailSamplingConfig(
            decisionWait: .seconds(wait), numTraces: numTraces,
            decisionCache: DecisionCacheConfig(sampledCacheSize: sampledCache, nonSampledCacheSize: nonSampledCache),
            decisionWaitAfterRootReceived: rootWaitMs.map { .milliseconds($0) }, policies: policies)
    }

    static func policy(_ name: String, _ kind: SamplingPolicyKind) -> SamplingPolicyConfig { SamplingPolicyConfig(name: name, kind) }

    /// Runs `batches` through a processor with these policies and returns the sampled trace IDs.
    static func sampled(_ policies: [SamplingPolicyConfig], _ batches: [TraceBatch]) async throws -> Set<TraceID> {
        let config = TS.config(policies)
        try config.validate()
        let clock = ManualClock()
        let sink = TailSamplingRecorder()
        let processor = TailSamplingProcessor(config: config, next: sink, memory: nil, metrics: NOOPMetricsHandler.instance, clock: clock)
        for batch in batches { try await processor.consume(batch) }
        clock.advance(by: .seconds(11))
        await processor.tick()
        return sink.traceIDs
    }
}
