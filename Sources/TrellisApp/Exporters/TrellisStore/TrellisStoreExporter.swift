import CoreMetrics
import Logging
import Synchronization
import TrellisModel
import TrellisPipeline
import TrellisStorage

/// `trellis_store`: the pipeline's storage exporter. Every batch goes to the ring and the SQLite
/// archive (`CombinedStore`); a background task applies retention by age and by size in small
/// steps. A storage failure refuses the batch, so the stage before retries it.
public final class TrellisStoreExporter: SpanConsumer {
    public let store: CombinedStore
    private let config: TrellisStoreConfig
    private let logger: Logger
    private let sent: Counter
    private let failed: Counter
    private let ringBytes: Gauge
    private let archiveBytes: Gauge
    private let retentionTask = Mutex<Task<Void, Never>?>(nil)

    public init(name: String, config: TrellisStoreConfig, metrics: any MetricsFactory, logger: Logger) throws(StorageError) {
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
    }

    public func consume(_ batch: TraceBatch) async throws(PipelineRefusal) {
        do {
            try await store.write(batch)
        } catch {
            failed.increment(by: batch.spanCount)
            logger.error("storing a batch failed; it will be retried", metadata: ["error": "\(error)"])
            throw .overloaded(reason: "storage failed: \(error)", retryAfterSeconds: 1)
        }
        sent.increment(by: batch.spanCount)
        ringBytes.record(store.ring.usedBytes)
    }

    /// Nothing is buffered here: every accepted batch is committed when `consume` returns.
    /// Draining stops retention and closes the archive.
    public func drain() async {
        retentionTask.withLock { $0?.cancel() }
        store.archive.close()
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
