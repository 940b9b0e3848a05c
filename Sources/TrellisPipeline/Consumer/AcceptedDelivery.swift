import CoreMetrics
import Synchronization
import TrellisModel

extension SpanConsumer {
    /// Hands on slices that the pipeline has already acknowledged: when this consumer refuses
    /// them, waits (10 ms, doubling up to 1 s) and tries again, because those spans must not be
    /// lost — until `deadline` (read before each wait: a stage's shutdown sets it) would pass
    /// during the wait, or the task is cancelled. Returns false when it gave up.
    public func deliverAccepted(_ slices: [TraceSlice], deadline: ShutdownDeadline) async -> Bool {
        var delay = Duration.milliseconds(10)
        while true {
            do {
                try await consume(slices)
                return true
            } catch {
                if Task.isCancelled { return false }
                if let limit = deadline.instant, ContinuousClock.now + delay > limit { return false }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }
}

/// When a stage's shutdown must be over: unset while the stage runs, set once by
/// `shutdown(deadline:)`. Deliveries of accepted data read it before each retry.
public final class ShutdownDeadline: Sendable {
    private let value = Mutex<ContinuousClock.Instant?>(nil)

    public init() {}

    public var instant: ContinuousClock.Instant? { value.withLock { $0 } }

    /// Sets the deadline (an earlier one set before stays).
    public func set(_ deadline: ContinuousClock.Instant) {
        value.withLock { $0 = min($0 ?? deadline, deadline) }
    }
}

/// `trellis_processor_dropped_spans_total{processor, reason="shutdown_timeout"}`: accepted spans
/// a stage could not hand on before its shutdown deadline.
func shutdownDropCounter(processor: String, factory: any MetricsFactory) -> Counter {
    Counter(label: "trellis_processor_dropped_spans_total", dimensions: [("processor", processor), ("reason", "shutdown_timeout")], factory: factory)
}
