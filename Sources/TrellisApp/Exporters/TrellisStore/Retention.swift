import CoreMetrics
import Logging
import TrellisModel
import TrellisStorage

/// `archive.retention` and `archive.max_bytes`: run by the store's writer between writes.
struct Retention: Sendable {
    let archive: SQLiteArchive
    let config: TrellisStoreConfig
    let logger: Logger
    let archiveBytes: Gauge

    /// Deletes what is older than `retention`, then the oldest traces while the file is over `max_bytes`.
    func apply() {
        let now = WallClock.nowNanos()
        let cutoff = now > UInt64(config.retention.nanoseconds) ? now - UInt64(config.retention.nanoseconds) : 0
        do {
            var deleted = 0
            while case let n = try archive.deleteExpired(olderThan: cutoff), n > 0 { deleted += n }
            while case let n = try archive.deleteOldest(untilBytesBelow: config.archiveMaxBytes.bytes), n > 0 { deleted += n }
            if deleted > 0 { logger.info("retention deleted \(deleted) blocks") }
            archiveBytes.record(try archive.storedBytes())
        } catch {
            logger.error("retention failed", metadata: ["error": "\(error)"])
        }
    }
}
