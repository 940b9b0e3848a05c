import CoreMetrics
import Synchronization
import TrellisModel

/// `batch`: gathers spans and sends them on when `send_batch_size` spans are waiting or the
/// oldest has waited `timeout`, in hand-overs of at most `send_batch_max_size` spans (whole slices). Buffered bytes are
/// counted in the memory accountant; `shutdown(deadline:)` sends what is left.
public final class BatchProcessor: SpanConsumer {
    private struct State: Sendable {
        var pending: [TraceSlice] = []
        var spans = 0
        var bytes = 0
        var oldest: ContinuousClock.Instant?
    }

    private let config: BatchConfig
    private let next: any SpanConsumer
    private let accountant: MemoryAccountant?
    private let state = Mutex(State())
    private let timer = Mutex<Task<Void, Never>?>(nil)
    private let deadline = ShutdownDeadline()
    private let sends: Counter
    private let shutdownDropped: Counter

    public init(config: BatchConfig, next: any SpanConsumer, accountant: MemoryAccountant?, metrics: any MetricsFactory) {
        self.config = config
        self.next = next
        self.accountant = accountant
        sends = Counter(label: "trellis_processor_batch_sends_total", dimensions: [], factory: metrics)
        shutdownDropped = shutdownDropCounter(processor: "batch", factory: metrics)
        let timeout = Duration.nanoseconds(config.timeout.nanoseconds)
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: timeout / 2)
                guard let self else { return }
                await self.flush(olderThan: timeout)
            }
        }
        timer.withLock { $0 = task }
    }

    deinit {
        timer.withLock { $0?.cancel() }
    }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        let bytes = slices.footprintBytes
        accountant?.add(bytes)
        let sendAt = config.sendBatchSize
        let ready = state.withLock { s -> State? in
            s.pending += slices
            s.spans += slices.spanCount
            s.bytes += bytes
            if s.oldest == nil { s.oldest = .now }
            guard s.spans >= sendAt else { return nil }
            let full = s
            s = State()
            return full
        }
        if let ready { await send(ready) }
    }

    /// Stops the timer and waits for a flush it may have under way, then sends what is left and
    /// shuts the next stage down: nothing of this stage is still delivering by then.
    public func shutdown(deadline: ContinuousClock.Instant) async {
        self.deadline.set(deadline)
        let flushing = timer.withLock { $0 }
        flushing?.cancel()
        await flushing?.value
        let rest = state.withLock { s -> State in
            let all = s
            s = State()
            return all
        }
        await send(rest)
        await next.shutdown(deadline: deadline)
    }

    private func flush(olderThan age: Duration) async {
        let due = state.withLock { s -> State? in
            guard let oldest = s.oldest, oldest.duration(to: .now) >= age else { return nil }
            let all = s
            s = State()
            return all
        }
        if let due { await send(due) }
    }

    /// Sends what was taken out of the buffer, in hand-overs of at most `send_batch_max_size`
    /// spans (whole slices: a larger slice goes alone), and releases its bytes.
    private func send(_ taken: State) async {
        guard !taken.pending.isEmpty else { return }
        let limit = config.sendBatchMaxSize > 0 ? config.sendBatchMaxSize : Int.max
        var start = 0
        var spans = 0
        for (i, slice) in taken.pending.enumerated() {
            if spans > 0 && spans + slice.summary.spanCount > limit {
                await deliver(Array(taken.pending[start..<i]), spans: spans)
                start = i
                spans = 0
            }
            spans += slice.summary.spanCount
        }
        await deliver(Array(taken.pending[start...]), spans: spans)
        // Held until the next stage has taken every piece: a slow exporter keeps them counted.
        accountant?.remove(taken.bytes)
    }

    /// One hand-over to `next`; past the shutdown deadline its spans are counted as dropped.
    private func deliver(_ slices: [TraceSlice], spans: Int) async {
        sends.increment()
        if !(await next.deliverAccepted(slices, deadline: deadline)) { shutdownDropped.increment(by: spans) }
    }
}
