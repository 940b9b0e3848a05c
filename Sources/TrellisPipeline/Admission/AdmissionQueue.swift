import CoreMetrics
import Synchronization
import TrellisModel

/// The pipeline's entry point: a bounded queue between the receivers and the next consumer.
///
/// `consume` accepts slices only while the queue holds fewer than `capacitySpans` spans,
/// and refuses them (retryably) otherwise, so receivers never drop silently and memory never
/// grows without bound. One worker task delivers queued slices to `next` in order.
public final class AdmissionQueue: SpanConsumer {
    private struct State {
        /// Queued hand-overs, each with its span count and bytes (summed once, when queued).
        var batches: [(slices: [TraceSlice], spans: Int, bytes: Int)] = []
        var head = 0
        var queuedSpans = 0
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let next: any SpanConsumer
    private let capacitySpans: Int
    private let accountant: MemoryAccountant?
    private let state = Mutex(State())
    private let queuedGauge: Gauge
    private let worker = Mutex<Task<Void, Never>?>(nil)
    private let deadline = ShutdownDeadline()
    private let shutdownDropped: Counter

    /// - Parameters:
    ///   - capacitySpans: the most spans held at once; a batch larger than this alone is still
    ///     accepted when the queue is empty, so no batch is refused forever.
    ///   - accountant: when given, queued batches count toward the memory limiter's held bytes.
    public init(capacitySpans: Int, next: any SpanConsumer, accountant: MemoryAccountant? = nil, metrics: any MetricsFactory) {
        self.next = next
        self.capacitySpans = capacitySpans
        self.accountant = accountant
        queuedGauge = Gauge(label: "trellis_admission_queue_spans", dimensions: [], factory: metrics)
        shutdownDropped = shutdownDropCounter(processor: "admission_queue", factory: metrics)
        let task = Task { [self] in await self.run() }
        worker.withLock { $0 = task }
    }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        let count = slices.spanCount
        let bytes = slices.footprintBytes
        let result: Result<(CheckedContinuation<Void, Never>?, Int), PipelineRefusal> = state.withLock { s in
            if s.closed { return .failure(.shuttingDown) }
            if s.queuedSpans > 0 && s.queuedSpans + count > capacitySpans {
                return .failure(.overloaded(reason: "admission queue holds \(s.queuedSpans) of \(capacitySpans) spans", retryAfterSeconds: 1))
            }
            s.batches.append((slices, count, bytes))
            s.queuedSpans += count
            let waiter = s.waiter
            s.waiter = nil
            return .success((waiter, s.queuedSpans))
        }
        let (waiter, queued) = try result.get()
        accountant?.add(bytes)
        queuedGauge.record(queued)
        waiter?.resume()
    }

    /// Stops accepting, delivers everything queued (until `deadline`), then shuts the next consumer down.
    public func shutdown(deadline: ContinuousClock.Instant) async {
        self.deadline.set(deadline)
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.closed = true
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
        await worker.withLock { $0 }?.value
        await next.shutdown(deadline: deadline)
    }

    private enum Step {
        case deliver([(slices: [TraceSlice], spans: Int, bytes: Int)])
        case wait
        case finish
    }

    private func run() async {
        while true {
            let step = state.withLock { s -> Step in
                if s.head < s.batches.count {
                    let taken = Array(s.batches[s.head...])
                    s.batches.removeAll(keepingCapacity: true)
                    s.head = 0
                    return .deliver(taken)
                }
                return s.closed ? .finish : .wait
            }
            switch step {
            case .finish:
                return
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s -> Bool in
                        if s.head < s.batches.count || s.closed { return true }
                        s.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            case .deliver(let batches):
                for batch in batches {
                    if !(await next.deliverAccepted(batch.slices, deadline: deadline)) { shutdownDropped.increment(by: batch.spans) }
                    accountant?.remove(batch.bytes)
                    let queued = state.withLock { s -> Int in
                        s.queuedSpans -= batch.spans
                        return s.queuedSpans
                    }
                    queuedGauge.record(queued)
                }
            }
        }
    }
}
