import CoreMetrics
import Synchronization
import TrellisModel

/// `memory_limiter`: the pipeline's first processor. It admits a batch only while the bytes
/// the pipeline holds (exact accounting in the shared `MemoryAccountant`, including this batch)
/// stay under the soft limit and the process RSS (sampled every `check_interval`) is under the
/// hard limit; otherwise it refuses retryably, so receivers answer 503/429 or `UNAVAILABLE`.
/// The batch's bytes are held in the accountant until the next stage has taken it.
/// When RSS passes the soft limit, freed heap is handed back to the OS (`malloc_trim`), since
/// the allocator keeps freed pages and RSS alone would otherwise never come down.
public final class MemoryLimiterProcessor: SpanConsumer {
    private let next: any SpanConsumer
    private let accountant: MemoryAccountant
    private let hardLimit: Int
    private let softLimit: Int
    private let lastRSS = Atomic<Int>(0)
    private let refusedSpans: Counter
    private let heldGauge: Gauge
    private let rssGauge: Gauge
    private let sampler = Mutex<Task<Void, Never>?>(nil)

    /// - Parameter rss: how to read the process RSS (tests may pass a fixed value).
    public init(config: MemoryLimiterConfig, next: any SpanConsumer, accountant: MemoryAccountant, metrics: any MetricsFactory,
                rss: @escaping @Sendable () -> Int? = ProcessMemory.residentBytes) {
        self.next = next
        self.accountant = accountant
        (hardLimit, softLimit) = config.limits(totalMemoryBytes: ProcessMemory.availableBytes())
        refusedSpans = Counter(label: "trellis_processor_refused_spans_total", dimensions: [("processor", "memory_limiter")], factory: metrics)
        heldGauge = Gauge(label: "trellis_pipeline_held_bytes", dimensions: [], factory: metrics)
        rssGauge = Gauge(label: "trellis_process_resident_bytes", dimensions: [], factory: metrics)
        let interval = Duration.nanoseconds(config.checkInterval.nanoseconds)
        lastRSS.store(rss() ?? 0, ordering: .relaxed)
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                var value = rss() ?? 0
                if value > self.softLimit {
                    ProcessMemory.trimHeap()
                    value = rss() ?? value
                }
                self.lastRSS.store(value, ordering: .relaxed)
                self.rssGauge.record(value)
                self.heldGauge.record(self.accountant.heldBytes)
            }
        }
        sampler.withLock { $0 = task }
    }

    deinit {
        sampler.withLock { $0?.cancel() }
    }

    /// The soft limit in bytes: above it, data is refused.
    public var softLimitBytes: Int { softLimit }

    public func consume(_ batch: TraceBatch) async throws(PipelineRefusal) {
        let bytes = batch.footprintBytes
        let held = accountant.heldBytes
        let rss = lastRSS.load(ordering: .relaxed)
        if held + bytes > softLimit || rss > hardLimit {
            refusedSpans.increment(by: batch.spanCount)
            let reason = rss > hardLimit
                ? "process memory \(rss >> 20) MiB is above the limit of \(hardLimit >> 20) MiB"
                : "pipeline holds \(held >> 20) MiB, the soft limit is \(softLimit >> 20) MiB"
            throw .overloaded(reason: reason, retryAfterSeconds: 1)
        }
        accountant.add(bytes)
        defer { accountant.remove(bytes) }
        try await next.consume(batch)
    }

    public func drain() async {
        sampler.withLock { $0?.cancel() }
        await next.drain()
    }
}
