import CoreMetrics
import Logging
import TrellisModel
import TrellisPipeline
import TrellisStorage

/// `trellis_store`: the pipeline's storage exporter. It hands every slice to the store's writer
/// (`StoreWriter`), whose own thread writes the ring and the SQLite archive and, between writes,
/// applies retention by age and by size in small steps. `consume` returns once the writer has
/// queued the slices (it waits while the writer's queue is full); a storage failure is retried
/// by the writer, never dropped, and reported to the pipeline's `PipelineHealth` (when given)
/// until a write succeeds again, so new data is refused retryably meanwhile and `/readyz` says why. The ring's bytes count toward the pipeline's
/// `MemoryAccountant` (when given), so the memory limiter's soft limit covers the ring as well
/// as what is in flight.
///
/// The store itself is built by `TrellisService` and shared with the query API; the exporter
/// never closes it.
public final class TrellisStoreExporter: SpanConsumer {
    public let store: CombinedStore
    private let logger: Logger
    private let writer: StoreWriter
    private let ring: RingAccounting
    private let shutdownDropped: Counter

    public init(
        name: String, store: CombinedStore, config: TrellisStoreConfig, metrics: any MetricsFactory, logger: Logger,
        accountant: MemoryAccountant? = nil, health: PipelineHealth? = nil
    ) {
        let component = "exporters.\(name)"
        self.store = store
        self.logger = logger
        let sent = Counter(label: "trellis_exporter_sent_spans_total", dimensions: [("exporter", name)], factory: metrics)
        let failed = Counter(label: "trellis_exporter_send_failed_spans_total", dimensions: [("exporter", name)], factory: metrics)
        let archiveBytes = Gauge(label: "trellis_archive_bytes", dimensions: [], factory: metrics)
        shutdownDropped = Counter(label: "trellis_exporter_dropped_spans_total", dimensions: [("exporter", name), ("reason", "shutdown_timeout")], factory: metrics)
        let ring = RingAccounting(ring: store.ring, accountant: accountant, gauge: Gauge(label: "trellis_ring_bytes", dimensions: [], factory: metrics))
        self.ring = ring
        let unpaired = UnpairedSpansCounter(store: store, counter: Counter(label: "trellis_store_dependency_unpaired_spans_total", dimensions: [], factory: metrics))
        let retention = Retention(archive: store.archive, config: config, logger: logger, archiveBytes: archiveBytes)
        writer = StoreWriter(store: store, events: StoreWriter.Events(
            written: { spans in
                health?.report(component, problem: nil)
                sent.increment(by: spans)
                ring.update()
                unpaired.update()
            },
            failed: { spans, error in
                health?.report(component, problem: "archive writes are failing (\(error)); accepted spans are kept and retried")
                failed.increment(by: spans)
                logger.error("storing a batch failed; the writer retries it", metadata: ["error": "\(error)", "spans": "\(spans)"])
            },
            maintenance: {
                health?.report(component + ".archive", problem: store.archive.problem)
                retention.apply()
            }))
        // Under memory pressure the ring gives back its oldest traces (the archive still has
        // them): what the memory limiter asks for, or a quarter per check; the accountant follows.
        accountant?.addRelief { bytes in
            if let bytes { ring.ring.shrink(by: bytes) } else { ring.ring.shrink(to: 0.75) }
            ring.update()
        }
    }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        do {
            try await writer.write(slices)
        } catch {
            throw .shuttingDown
        }
    }

    /// Waits until the writer has written everything queued (until `deadline`), counts what it
    /// could not write in `trellis_exporter_dropped_spans_total{reason="shutdown_timeout"}`, and
    /// stops holding the ring's bytes in the accountant.
    public func shutdown(deadline: ContinuousClock.Instant) async {
        let undelivered = await writer.shutdown(deadline: deadline)
        if undelivered > 0 {
            shutdownDropped.increment(by: undelivered)
            logger.error("the archive could not store every accepted span before the shutdown deadline", metadata: ["spans": "\(undelivered)"])
        }
        ring.release()
    }
}
