import CoreMetrics
import Synchronization
import TrellisModel

/// `memory_limiter`: the pipeline's first processor. It admits a batch only while the bytes
/// the pipeline holds (exact accounting in the shared `MemoryAccountant`, including this batch)
/// plus the memory the rest of the process used at the last sample (RSS − accounted bytes,
/// sampled every `check_interval`) stay under the soft limit (limit − spike), the pipeline
/// always keeping at least a quarter of the soft limit; otherwise it refuses retryably, so receivers answer 503/429 or `UNAVAILABLE`.
/// The spike allowance covers what arrives between two RSS samples, so RSS stays under the
/// hard limit. The batch's bytes are held in the accountant until the next stage has taken it.
/// A hand-over over the budget first asks the accountant's reliefs for the bytes it needs (the
/// store's ring gives back its oldest traces, which the archive still has); only what they
/// cannot make room for is refused. When RSS passes the soft limit, the reliefs shed a quarter and freed heap is handed back to
/// the OS (`malloc_trim`), since the allocator keeps freed pages and RSS would not come down.
public final class MemoryLimiterProcessor: SpanConsumer {
    private let next: any SpanConsumer
    private let accountant: MemoryAccountant
    private let softLimit: Int
    /// RSS minus the accounted bytes at the last sample: memory the pipeline does not account
    /// (code, the archive's page caches, allocator slack, the real cost above the estimates).
    private let overhead = Atomic<Int>(0)
    private let refusedSpans: Counter
    private let heldGauge: Gauge
    private let rssGauge: Gauge
    private let sampler = Mutex<Task<Void, Never>?>(nil)

    /// - Parameter rss: how to read the process RSS (tests may pass a fixed value).
    public init(config: MemoryLimiterConfig, next: any SpanConsumer, accountant: MemoryAccountant, metrics: any MetricsFactory,
                rss: @escaping @Sendable () -> Int? = ProcessMemory.residentBytes) {
        self.next = next
        self.accountant = accountant
        softLimit = config.limits(totalMemoryBytes: ProcessMemory.availableBytes()).soft
        refusedSpans = Counter(label: "trellis_processor_refused_spans_total", dimensions: [("processor", "memory_limiter")], factory: metrics)
        heldGauge = Gauge(label: "trellis_pipeline_held_bytes", dimensions: [], factory: metrics)
        rssGauge = Gauge(label: "trellis_process_resident_bytes", dimensions: [], factory: metrics)
        let interval = Duration.nanoseconds(config.checkInterval.nanoseconds)
        overhead.store(max(0, (rss() ?? 0) - accountant.heldBytes), ordering: .relaxed)
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                var value = rss() ?? 0
                if value > self.softLimit {
                    accountant.relieve()
                    ProcessMemory.trimHeap()
                    value = rss() ?? value
                } else if self.heldBudget - accountant.heldBytes < self.softLimit / 4 {
                    // Caches (the ring) give way before they crowd out data in flight.
                    accountant.relieve()
                }
                self.overhead.store(max(0, value - self.accountant.heldBytes), ordering: .relaxed)
                self.rssGauge.record(value)
                self.heldGauge.record(self.accountant.heldBytes)
            }
        }
        sampler.withLock { $0 = task }
    }

    deinit {
        sampler.withLock { $0?.cancel() }
    }

    /// What the pipeline may hold: the soft limit minus the rest of the process at the last
    /// sample, but never less than a quarter of the soft limit, so memory the pipeline cannot
    /// free (allocator slack, caches that do not shrink) never stops ingestion for good.
    private var heldBudget: Int {
        max(softLimit - overhead.load(ordering: .relaxed), softLimit / 4)
    }

    /// The soft limit in bytes: above it, data is refused.
    public var softLimitBytes: Int { softLimit }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        let bytes = slices.footprintBytes
        var held = accountant.heldBytes
        let budget = heldBudget
        if held + bytes > budget {
            // Caches (the store's ring) give way before data in flight is refused: they give
            // back what this hand-over needs and a sixteenth of the soft limit more, so the next
            // ones pass too.
            accountant.relieve(bytes: held + bytes - budget + softLimit / 16)
            held = accountant.heldBytes
        }
        if held + bytes > budget {
            refusedSpans.increment(by: slices.spanCount)
            let reason = budget < softLimit
                ? "pipeline holds \(held >> 20) MiB; with the rest of the process at \(overhead.load(ordering: .relaxed) >> 20) MiB it may hold \(budget >> 20) MiB under the soft limit of \(softLimit >> 20) MiB"
                : "pipeline holds \(held >> 20) MiB, the soft limit is \(softLimit >> 20) MiB"
            throw .overloaded(reason: reason, retryAfterSeconds: 1)
        }
        accountant.add(bytes)
        defer { accountant.remove(bytes) }
        try await next.consume(slices)
    }

    public func shutdown(deadline: ContinuousClock.Instant) async {
        let sampling = sampler.withLock { $0 }
        sampling?.cancel()
        await sampling?.value
        await next.shutdown(deadline: deadline)
    }
}
