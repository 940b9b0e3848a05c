import CoreMetrics
import Synchronization
import TrellisModel

/// The `spanmetrics` connector: an exporter of a traces pipeline that counts every span it is
/// given into request, error and duration (RED) figures, as the collector's connector does.
/// Put it in a pipeline of its own with no sampling (`traces/spanmetrics`), so it counts spans
/// before tail sampling drops any.
///
/// It never refuses and holds no spans: `consume` updates the figures under one lock.
/// `prometheusText()` is its series for `/metrics` (`SpanMetricsExposition`). Every
/// `metrics_flush_interval`, and at shutdown, the per-minute counts since the last flush go to
/// `flush` (the app hands them to the archive), and expired series are dropped (as at each scrape). Spans already encoded by an earlier stage (not
/// the case at a pipeline's entry) count with their summary's facts and no dimensions.
public final class SpanMetricsConnector: SpanConsumer {
    public typealias Flush = @Sendable ([SpanMetricsKey: SpanMetricsCounts]) async -> Void

    private let state: Mutex<SpanMetricsState>
    private let flush: Flush
    private let now: @Sendable () -> Duration
    private let overflowCounter: Counter
    private let timer = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - clock: the time for `metrics_expiration` and the flush interval (tests pass a manual clock).
    public init(name: String, config: SpanMetricsConfig, metrics: any MetricsFactory, clock: any Clock<Duration> = ContinuousClock(),
                flush: @escaping Flush) {
        state = Mutex(SpanMetricsState(config: config))
        self.flush = flush
        let source = Self.timeSource(clock)
        now = source.now
        overflowCounter = Counter(label: "trellis_connector_spanmetrics_overflow_spans_total", dimensions: [("connector", name)], factory: metrics)
        let interval = Duration.nanoseconds(config.metricsFlushInterval.nanoseconds)
        let task = Task { [weak self] in
            while !Task.isCancelled {
                do { try await source.sleep(interval) } catch { return }
                guard let self else { return }
                await self.flushMinutes()
            }
        }
        timer.withLock { $0 = task }
    }

    private static func timeSource<C: Clock>(_ clock: C) -> (now: @Sendable () -> Duration, sleep: @Sendable (Duration) async throws -> Void)
    where C.Duration == Duration {
        let start = clock.now
        return ({ start.duration(to: clock.now) }, { try await clock.sleep(for: $0) })
    }

    deinit {
        timer.withLock { $0?.cancel() }
    }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        let overflowed = state.withLock { state -> UInt64 in
            // Read under the lock, so series are updated in time order (expiry relies on it).
            let time = now()
            let before = state.overflowSpans
            for slice in slices {
                switch slice.spans {
                case .model(let scopes):
                    for scope in scopes {
                        for span in scope.spans { state.record(span, service: slice.service, resource: slice.resource, now: time) }
                    }
                case .encoded:
                    for facts in slice.summary.spans {
                        var span = Span(traceID: slice.traceID, spanID: facts.spanID, parentSpanID: facts.parentSpanID, name: facts.name, kind: facts.kind,
                                        startTimeUnixNano: facts.startTimeUnixNano, endTimeUnixNano: facts.startTimeUnixNano + facts.durationNanos)
                        if facts.isError { span.status = SpanStatus(code: .error) }
                        state.record(span, service: slice.service, resource: Resource(), now: time)
                    }
                }
            }
            return state.overflowSpans - before
        }
        if overflowed > 0 { overflowCounter.increment(by: Int64(overflowed)) }
    }

    /// The connector's series in the Prometheus text format, after dropping expired ones.
    public func prometheusText() -> String {
        state.withLock { state in
            state.expire(now: now())
            return SpanMetricsExposition.text(of: state)
        }
    }

    /// The minute counts gathered since the last flush (a copy), for reads that should not wait for it.
    public func pendingMinutes() -> [SpanMetricsKey: SpanMetricsCounts] {
        state.withLock { $0.minutes }
    }

    /// Hands the minute counts gathered since the last flush to `flush`, and drops the series
    /// `metrics_expiration` expired (so they go with no scrape of /metrics).
    public func flushMinutes() async {
        let minutes = state.withLock { state in
            state.expire(now: now())
            return state.takeMinutes()
        }
        if !minutes.isEmpty { await flush(minutes) }
    }

    /// The series kept for /metrics now, the overflow series not counted.
    var seriesCount: Int { state.withLock { $0.series.count } }

    /// Stops the timer, waits for a flush it may have begun, and flushes the rest.
    public func shutdown(deadline: ContinuousClock.Instant) async {
        let task = timer.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
        await flushMinutes()
    }
}
