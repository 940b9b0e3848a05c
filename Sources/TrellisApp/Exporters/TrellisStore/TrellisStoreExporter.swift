import CoreMetrics
import Logging
import Synchronization
import TrellisModel
import TrellisPipeline
import TrellisStorage

/// `trellis_store`: the pipeline's storage exporter. Every batch goes to the ring and the SQLite
/// archive (`CombinedStore`); a background task applies retention by age and by size in small
/// steps. A storage failure refuses the batch, so the stage before retries it. The ring's bytes
/// count toward the pipeline's `MemoryAccountant` (when given), so the memory limiter's soft
/// limit covers the ring as well as what is in flight.
public final class TrellisStoreExporter: SpanConsumer {
    public let store: CombinedStore
    private let config: TrellisStoreConfig
    private let logger: Logger
    private let sent: Counter
    private let failed: Counter
    private let ringBytes: Gauge
    private let archiveBytes: Gauge
    private let retentionTask = Mutex<Task<Void, Never>?>(nil)
    private let accountant: MemoryAccountant?
    /// The ring bytes last added to the accountant.
    private let accountedRingBytes = Mutex(0)

    public init(name: String, config: TrellisStoreConfig, metrics: any MetricsFactory, logger: Logger, accountant: MemoryAccountant? = nil) throws(StorageError) {
        let archive = try SQLiteArchive(path: config.archivePath,
                                         indexedAttributeKeys: config.indexedAttributes.map(Set.init) ?? SQLiteArchive.defaultIndexedAttributeKeys,
                                         writeAheadLog: config.writeAheadLog)
        if let recovery = archive.recovery {
            if recovery.replayedBatches > 0 {
                logger.notice("replayed the archive's write-ahead log",
                              metadata: ["path": "\(recovery.path)", "batches": "\(recovery.replayedBatches)", "spans": "\(recovery.replayedSpans)"])
            }
            if recovery.ignoredTailBytes > 0 {
                logger.warning("ignored a torn last record of the archive's write-ahead log (a write cut short by a crash; it was never acknowledged)",
                               metadata: ["path": "\(recovery.path)", "bytes": "\(recovery.ignoredTailBytes)"])
            }
        }
        store = CombinedStore(ring: RingStore(maxBytes: config.ringMaxBytes.bytes), archive: archive)
        self.config = config
        self.logger = logger
        self.accountant = accountant
        sent = Counter(label: "trellis_exporter_sent_spans_total", dimensions: [("exporter", name)], factory: metrics)
        failed = Counter(label: "trellis_exporter_send_failed_spans_total", dimensions: [("exporter", name)], factory: metrics)
        ringBytes = Gauge(label: "trellis_ring_bytes", dimensions: [], factory: metrics)
        archiveBytes = Gauge(label: "trellis_archive_bytes", dimensions: [], factory: metrics)
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                guard !Task.isCancelled else { return }
                self?.applyRetention()
            }
        }
        retentionTask.withLock { $0 = task }
        if let accountant {
            // Under memory pressure the ring gives back a quarter of its traces per check (the
            // archive still has them), and the accountant follows.
            accountant.addRelief { [weak self] in
                guard let self else { return }
                self.store.ring.shrink(to: 0.75)
                self.accountRing()
            }
        }
    }

    /// The most spans one store write takes: a bigger batch (a batcher that caught up after the
    /// archive was slow) is written as several, trace by trace, so one transaction and its encoding
    /// buffers stay small.
    public static let maxSpansPerWrite = 8192

    public func consume(_ batch: TraceBatch) async throws(PipelineRefusal) {
        var written = 0
        do {
            for part in batch.splitKeepingTraces(maxSpans: Self.maxSpansPerWrite) {
                try await store.write(part)
                written += part.spanCount
                sent.increment(by: part.spanCount)
                accountRing()
            }
        } catch {
            // The whole batch comes back; parts already written are stored twice, and reads
            // join a trace's spans by span ID.
            failed.increment(by: batch.spanCount - written)
            logger.error("storing a batch failed; it will be retried", metadata: ["error": "\(error)"])
            throw .overloaded(reason: "storage failed: \(error)", retryAfterSeconds: 1)
        }
    }

    /// Moves the accountant by the ring's change since the last call.
    private func accountRing() {
        let (used, delta) = accountedRingBytes.withLock { accounted in
            let used = store.ring.usedBytes
            defer { accounted = used }
            return (used, used - accounted)
        }
        ringBytes.record(used)
        guard let accountant else { return }
        if delta > 0 { accountant.add(delta) } else if delta < 0 { accountant.remove(-delta) }
    }

    /// Nothing is buffered here: every accepted batch is committed when `consume` returns.
    /// Draining stops retention and closes the archive.
    public func drain() async {
        retentionTask.withLock { $0?.cancel() }
        store.archive.close()
        let accounted = accountedRingBytes.withLock { accounted in
            defer { accounted = 0 }
            return accounted
        }
        accountant?.remove(accounted)
    }

    /// Deletes what is older than `retention`, then the oldest traces while the file is over `max_bytes`.
    func applyRetention() {
        let now = WallClock.nowNanos()
        let cutoff = now > UInt64(config.retention.nanoseconds) ? now - UInt64(config.retention.nanoseconds) : 0
        do {
            var deleted = 0
            while case let n = try store.archive.deleteExpired(olderThan: cutoff), n > 0 { deleted += n }
            while case let n = try store.archive.deleteOldest(untilBytesBelow: config.archiveMaxBytes.bytes), n > 0 { deleted += n }
            if deleted > 0 { logger.info("retention deleted \(deleted) blocks") }
            archiveBytes.record(try store.archive.storedBytes())
        } catch {
            logger.error("retention failed", metadata: ["error": "\(error)"])
        }
    }
}
