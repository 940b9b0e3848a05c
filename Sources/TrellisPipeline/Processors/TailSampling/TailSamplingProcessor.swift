import CoreMetrics
import Synchronization
import TrellisCodec
import TrellisModel

/// `tail_sampling`: groups spans by trace ID, waits `decision_wait` after a trace's first span,
/// then lets the policies decide whether the whole trace goes on to `next` or is dropped
/// (and counted). Semantics follow the OpenTelemetry Collector's `tail_sampling` processor,
/// with these differences:
///
/// - when `num_traces` traces are pending, the oldest is decided early (never dropped unseen);
/// - with `decision_wait_after_root_received`, a trace is decided that long after its root
///   span arrives, when that is sooner than `decision_wait`;
/// - late spans follow the remembered decision (sampled: forwarded at once; not sampled:
///   dropped and counted); once the decision is forgotten they start a new pending trace;
/// - `shutdown(deadline:)` decides every pending trace at once, forwards the sampled ones, then shuts `next` down.
///
/// Pending traces are held as their slices with the spans encoded (`BufferedTrace`, about
/// their wire size) and count toward the `MemoryAccountant` with that size until `next` takes
/// them; sampled slices go on encoded, as they are. Sampled traces that `next` refuses are
/// kept and retried on the next tick. Policies read the slices' summaries and the attribute
/// values and trace states they name (`PolicyInputs`, taken before encoding): nothing is decoded.
/// One timer task ticks every 100 ms, or sooner when a decision is due.
public final class TailSamplingProcessor: SpanConsumer {
    /// Sampled slices on their way to `next`, with their span count and bytes.
    private struct Outgoing {
        var slices: [TraceSlice] = []
        var spanCount = 0
        var footprintBytes = 0

        var isEmpty: Bool { slices.isEmpty }

        mutating func add(_ more: [TraceSlice], spans: Int, bytes: Int) {
            slices += more
            spanCount += spans
            footprintBytes += bytes
        }
    }

    private struct State {
        let policies: [NamedPolicy]
        var pending: [TraceID: BufferedTrace] = [:]
        /// Spans of the pending traces.
        var pendingSpans = 0
        /// Pending traces by first arrival; entries whose trace was decided are skipped.
        var arrivals = FIFO<(id: TraceID, sequence: UInt64)>()
        /// Root-received deadlines, in due order (the wait after a root is the same for all).
        var rootDeadlines = FIFO<(id: TraceID, sequence: UInt64, due: Duration)>()
        var sampledCache: DecisionCache
        var notSampledCache: DecisionCache
        /// Sampled spans waiting to be handed to `next` (kept here while it refuses them).
        var outbox: [Outgoing] = []
        /// Spans in `outbox` and being handed to `next`.
        var outgoingSpans = 0
        var nextSequence: UInt64 = 0
        var closed = false
    }

    /// While this many sampled spans wait for `next`, due decisions wait too, so sampled
    /// traces do not pile up before a slow exporter.
    /// A full trace buffer (`num_traces`) still forces decisions.
    static let maxOutgoingSpans = 16_384

    private let next: any SpanConsumer
    private let policyInputs: PolicyInputs
    private let memory: MemoryAccountant?
    private let metrics: TailSamplingMetrics
    private let decisionWait: Duration
    private let rootWait: Duration?
    private let numTraces: Int
    private let clockNow: @Sendable () -> Duration
    private let state: Mutex<State>
    private let timer = Mutex<Task<Void, Never>?>(nil)
    private let deadline = ShutdownDeadline()

    /// - Parameters:
    ///   - config: a validated configuration (decoding validates; call `validate()` on one built in code).
    ///   - next: receives the slices of sampled traces, those decided in one tick handed over together.
    ///   - memory: when given, buffered spans count toward it.
    ///   - metrics: where the `trellis_processor_tail_sampling_*` metrics go.
    ///   - clock: the time source for decision deadlines and rate limits (tests pass a manual clock).
    public init(
        config: TailSamplingConfig, next: any SpanConsumer, memory: MemoryAccountant?, metrics: any MetricsFactory,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.next = next
        policyInputs = PolicyInputs(config.policies)
        self.memory = memory
        self.metrics = TailSamplingMetrics(policyNames: config.policies.map(\.name), factory: metrics)
        decisionWait = .nanoseconds(config.decisionWait.nanoseconds)
        rootWait = config.decisionWaitAfterRootReceived.map { .nanoseconds($0.nanoseconds) }
        numTraces = max(1, config.numTraces)
        let source = Self.timeSource(clock)
        clockNow = source.now
        let remembered = { (size: Int) in size > 0 ? size : max(1, config.numTraces) }
        state = Mutex(State(
            policies: config.policies.map(NamedPolicy.init),
            sampledCache: DecisionCache(capacity: remembered(config.decisionCache.sampledCacheSize)),
            notSampledCache: DecisionCache(capacity: remembered(config.decisionCache.nonSampledCacheSize))))

        let sleep = source.sleep
        let now = source.now
        let task = Task { [weak self] in
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do { try await sleep(delay) } catch { return }
                guard let self else { return }
                let due = await self.tick()
                let current = now()
                delay = max(.milliseconds(1), min(.milliseconds(100), (due ?? current + .milliseconds(100)) - current))
            }
        }
        timer.withLock { $0 = task }
    }

    deinit {
        timer.withLock { $0?.cancel() }
    }

    private static func timeSource<C: Clock>(_ clock: C) -> (now: @Sendable () -> Duration, sleep: @Sendable (Duration) async throws -> Void)
    where C.Duration == Duration {
        let start = clock.now
        return ({ start.duration(to: clock.now) }, { try await clock.sleep(for: $0) })
    }

    /// Buffers each slice with its trace, its spans encoded (or applies a remembered decision
    /// to late slices). Refuses only after `shutdown(deadline:)` has begun.
    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        // Outside the lock: take what the policies read, then encode (the slices wait encoded,
        // and go on to the store so).
        let encoder = OTLPProtobufEncoder()
        let arrived = slices.map { (inputs: policyInputs.of($0), slice: encoder.encoded($0)) }
        let now = clockNow()
        let result: Result<(outgoing: Bool, buffered: (traces: Int, spans: Int)), PipelineRefusal> = state.withLock { s in
            if s.closed { return .failure(.shuttingDown) }
            var release = Outgoing()
            var late = Outgoing()
            var lateDropped = 0
            for (inputs, slice) in arrived {
                let id = slice.traceID
                if s.pending[id] != nil {
                    s.pending[id]?.add(slice, inputs: inputs)
                    s.pendingSpans += slice.summary.spanCount
                    memory?.add(slice.footprintBytes)
                } else if s.sampledCache.contains(id) {
                    memory?.add(slice.footprintBytes)
                    late.add([slice], spans: slice.summary.spanCount, bytes: slice.footprintBytes)
                    metrics.lateSpansSampled.increment(by: slice.summary.spanCount)
                    continue
                } else if s.notSampledCache.contains(id) {
                    lateDropped += slice.summary.spanCount
                    continue
                } else {
                    var trace = BufferedTrace(traceID: id, sequence: s.nextSequence, firstArrival: now)
                    s.nextSequence += 1
                    trace.add(slice, inputs: inputs)
                    s.pendingSpans += slice.summary.spanCount
                    memory?.add(slice.footprintBytes)
                    s.pending[id] = trace
                    s.arrivals.append((id, trace.sequence))
                }
                noteRoot(in: slice, now: now, &s)
                while s.pending.count > numTraces, decideOldest(&s, now: now, into: &release) {
                    metrics.decidedEarlyBufferFull.increment()
                }
            }
            if lateDropped > 0 {
                metrics.lateSpansNotSampled.increment(by: lateDropped)
                metrics.droppedSpans.increment(by: lateDropped)
            }
            Self.enqueue(release, &s)
            Self.enqueue(late, &s)
            return .success((!s.outbox.isEmpty, (s.pending.count, s.pendingSpans)))
        }
        let (outgoing, buffered) = try result.get()
        metrics.buffered(traces: buffered.traces, spans: buffered.spans)
        if outgoing { await flushOutbox() }
    }

    /// Decides every pending trace now, hands the sampled ones to `next` (retrying until it
    /// takes them or `deadline` passes), then shuts `next` down. Slices arriving afterwards are refused.
    public func shutdown(deadline: ContinuousClock.Instant) async {
        self.deadline.set(deadline)
        // A tick under way finishes handing its traces on before the rest are decided.
        let ticking = timer.withLock { $0 }
        ticking?.cancel()
        await ticking?.value
        let now = clockNow()
        state.withLock { s in
            s.closed = true
            var release = Outgoing()
            while decideOldest(&s, now: now, into: &release) {}
            for id in Array(s.pending.keys) { decideTrace(id, &s, now: now, into: &release) }
            s.rootDeadlines = FIFO()
            Self.enqueue(release, &s)
        }
        metrics.buffered(traces: 0, spans: 0)
        while true {
            let items = state.withLock { s -> [Outgoing] in
                defer { s.outbox.removeAll() }
                return s.outbox
            }
            if items.isEmpty { break }
            for item in items {
                if !(await next.deliverAccepted(item.slices, deadline: self.deadline)) { metrics.shutdownDroppedSpans.increment(by: item.spanCount) }
                memory?.remove(item.footprintBytes)
                state.withLock { $0.outgoingSpans -= item.spanCount }
            }
        }
        await next.shutdown(deadline: deadline)
    }

    /// Decides every trace whose deadline has passed and forwards what is ready.
    /// The timer calls it; tests call it after moving their clock.
    /// - Returns: when the next decision is due (processor clock), or nil when nothing is pending.
    @discardableResult
    func tick() async -> Duration? {
        let now = clockNow()
        let (outgoing, due, buffered) = state.withLock { s -> (Bool, Duration?, (traces: Int, spans: Int)) in
            var release = Outgoing()
            while let entry = s.arrivals.first, s.outgoingSpans + release.spanCount < Self.maxOutgoingSpans {
                guard let trace = s.pending[entry.id], trace.sequence == entry.sequence else {
                    s.arrivals.removeFirst()
                    continue
                }
                guard trace.firstArrival + decisionWait <= now else { break }
                s.arrivals.removeFirst()
                decideTrace(entry.id, &s, now: now, into: &release)
            }
            while let entry = s.rootDeadlines.first, s.outgoingSpans + release.spanCount < Self.maxOutgoingSpans {
                guard let trace = s.pending[entry.id], trace.sequence == entry.sequence else {
                    s.rootDeadlines.removeFirst()
                    continue
                }
                guard entry.due <= now else { break }
                s.rootDeadlines.removeFirst()
                metrics.decidedEarlyRootReceived.increment()
                decideTrace(entry.id, &s, now: now, into: &release)
            }
            Self.enqueue(release, &s)
            var due: Duration?
            if let first = s.arrivals.first, let trace = s.pending[first.id] { due = trace.firstArrival + decisionWait }
            if let first = s.rootDeadlines.first { due = min(due ?? first.due, first.due) }
            return (!s.outbox.isEmpty, due, (s.pending.count, s.pendingSpans))
        }
        metrics.buffered(traces: buffered.traces, spans: buffered.spans)
        if outgoing { await flushOutbox() }
        return due
    }

    /// The number of traces waiting for a decision.
    var bufferedTraceCount: Int { state.withLock { $0.pending.count } }

    // MARK: - Under the lock

    private func noteRoot(in slice: TraceSlice, now: Duration, _ s: inout State) {
        let id = slice.traceID
        guard let rootWait, let trace = s.pending[id], trace.rootArrival == nil, slice.summary.rootStart != nil else { return }
        s.pending[id]?.rootArrival = now
        let due = now + rootWait
        if due < trace.firstArrival + decisionWait {
            s.rootDeadlines.append((id, trace.sequence, due))
        }
    }

    /// Decides the oldest pending trace; false when none is pending.
    private func decideOldest(_ s: inout State, now: Duration, into release: inout Outgoing) -> Bool {
        while let entry = s.arrivals.first {
            s.arrivals.removeFirst()
            guard let trace = s.pending[entry.id], trace.sequence == entry.sequence else { continue }
            decideTrace(entry.id, &s, now: now, into: &release)
            return true
        }
        return false
    }

    private func decideTrace(_ id: TraceID, _ s: inout State, now: Duration, into release: inout Outgoing) {
        guard let buffered = s.pending.removeValue(forKey: id) else { return }
        s.pendingSpans -= buffered.spanCount
        let decision = decide(PendingTrace(traceID: id, slices: buffered.slices, inputs: buffered.inputs), policies: s.policies, now: now)
        if decision.sampled {
            s.notSampledCache.remove(id)
            s.sampledCache.insert(id)
            metrics.sampledTraces.increment()
            // The same bytes go on: the accountant keeps holding them until `next` takes them.
            release.add(buffered.slices, spans: buffered.spanCount, bytes: buffered.footprintBytes)
        } else {
            memory?.remove(buffered.footprintBytes)
            s.sampledCache.remove(id)
            s.notSampledCache.insert(id)
            metrics.notSampled(by: decision.policy).increment()
            metrics.droppedSpans.increment(by: buffered.spanCount)
        }
    }

    private static func enqueue(_ outgoing: Outgoing, _ s: inout State) {
        guard !outgoing.isEmpty else { return }
        s.outbox.append(outgoing)
        s.outgoingSpans += outgoing.spanCount
    }

    // MARK: - Forwarding (outside the lock)

    /// Hands queued sampled spans to `next`; on a refusal keeps the rest for the next tick.
    private func flushOutbox() async {
        let items = state.withLock { s -> [Outgoing] in
            defer { s.outbox.removeAll() }
            return s.outbox
        }
        for (index, item) in items.enumerated() {
            do {
                try await next.consume(item.slices)
                memory?.remove(item.footprintBytes)
                state.withLock { $0.outgoingSpans -= item.spanCount }
            } catch {
                state.withLock { $0.outbox.insert(contentsOf: items[index...], at: 0) }
                return
            }
        }
    }
}
