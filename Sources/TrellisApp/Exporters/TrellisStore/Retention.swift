import CoreMetrics
import Logging
import TrellisModel
import TrellisStorage

/// `archive.retention` and `archive.max_bytes`: run by the store's writer between writes.
struct Retention: Sendable {
    let archive: any TraceArchive
    let config: TrellisStoreConfig
    let logger: Logger
    let archiveBytes: Gauge

    /// Deletes what is older than `retention`, then the oldest traces while the file is over `max_bytes`.
    func apply() {
        let now = WallClock.nowNanos()
        let cutoff = now > UInt64(config.retention.nanoseconds) ? now - UInt64(config.retention.nanoseconds) : 0
        do {
            let (deleted, bytes) = try archive.applyRetention(olderThan: cutoff, maxBytes: config.archiveMaxBytes.bytes)
            if deleted > 0 { logger.info("retention deleted \(deleted) archive units (SQLite blocks, ClickHouse day partitions)") }
            archiveBytes.record(bytes)
        } catch {
            logger.error("retention failed", metadata: ["error": "\(error)"])
        }
    }
}
