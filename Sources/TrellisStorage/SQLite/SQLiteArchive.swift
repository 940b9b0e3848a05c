import CSQLite
import Foundation
import Synchronization
import TrellisCodec
import TrellisModel

/// The durable archive: one SQLite file in WAL mode (`synchronous=NORMAL`), written by a
/// single writer connection and read through a separate read-only connection.
///
/// Spans are stored as gzip-compressed chunks of whole traces (a write's `TracePiece`s, their
/// encoded slices put together as one OTLP protobuf request, about 256 spans a chunk), with one lookup row per (trace, chunk),
/// search rows per (chunk, operation, kind) and rows for the values of `indexedAttributeKeys`
/// per chunk; see `ArchiveSchema`. Chunks are compressed by the calling thread, outside the
/// writer's lock.
///
/// Opening checks the file before touching it: a schema newer than this build knows is refused
/// with `StorageError.newerSchema`, a file that fails `PRAGMA quick_check` with
/// `StorageError.corrupted`, and in both cases the file is left unmodified.
///
/// Concurrent writes are committed together: each accepted write joins a queue in the order of
/// its sequence number, and whichever writer gets the connection commits the whole queue in one
/// transaction (with the last sequence number, in `archive_state`); the others find their write
/// committed and return.
///
/// With a write-ahead log (`writeAheadLog: true`), every write is first appended to
/// `<path>.wal-log` and synced with `fdatasync` (concurrent writes share one sync) before `write`
/// returns. Once the log passes `logTruncationBytes` and every write in it is committed, SQLite's
/// WAL is checkpointed (synced) and the log emptied. Opening replays the log's records newer than
/// the archive's last sequence number and reports them (and any torn last record) in `recovery`.
///
/// Retention is exposed as small steps for a caller's loop: `deleteExpired(olderThan:maxRows:)`
/// and `deleteOldest(untilBytesBelow:maxRows:)`. Calls block the calling thread for the SQLite
/// work (one transaction for writes and deletes).
public final class SQLiteArchive: TraceArchive {
    /// The attribute keys indexed when no other set is given: the HTTP semantic conventions
    /// (old and new names), `error`, and `deployment.environment`.
    public static let defaultIndexedAttributeKeys: Set<String> = [
        "http.route", "http.request.method", "http.response.status_code", "http.status_code", "http.method",
        "error", "deployment.environment",
    ]

    /// The schema version this build reads and writes (`PRAGMA user_version`).
    public static var schemaVersion: Int { ArchiveSchema.currentVersion }

    /// The database file.
    public let path: String
    /// Attribute keys (of spans or resources) whose values are indexed for search. Filters on
    /// other keys still work, by reading the candidate traces' spans.
    public let indexedAttributeKeys: Set<String>

    /// What the write-ahead log held at opening; nil without a log.
    public let recovery: WriteAheadLogRecovery?
    /// The log is emptied once it holds at least this many bytes, all committed.
    let logTruncationBytes: Int

    /// The file opened at `path`.
    private let openedFile: FileIdentity?
    private let writer: Mutex<ArchiveWriterConnection?>
    private let reader: Mutex<ArchiveReaderConnection?>
    private let intake: Mutex<Intake>
    private let log: WriteAheadLog?

    /// Writes accepted and not yet committed, in sequence order.
    private struct Intake {
        /// The sequence number given to the latest accepted write.
        var lastSequence: UInt64
        var pending: [PendingWrite] = []
        /// Every write up to this sequence number has been committed, or has failed (then its
        /// error waits in `failures` for its writer).
        var committed: UInt64
        var failures: [UInt64: StorageError] = [:]
    }

    /// Opens the archive at `path`, creating the file and its parent directories if needed,
    /// migrating the schema to the current version, and with `writeAheadLog`, replaying the
    /// log's records that the archive does not hold yet.
    public convenience init(
        path: String, indexedAttributeKeys: Set<String> = SQLiteArchive.defaultIndexedAttributeKeys, writeAheadLog: Bool = false
    ) throws(StorageError) {
        try self.init(path: path, indexedAttributeKeys: indexedAttributeKeys, writeAheadLog: writeAheadLog, logTruncationBytes: 16 << 20)
    }

    /// Why the file at `path` is no longer the archive this process writes, or nil while it is:
    /// deleted or replaced behind Trellis's back, spans written from then on would be lost with
    /// the open file when the process exits.
    public var problem: String? {
        guard let openedFile, FileIdentity(path: path) != openedFile else { return nil }
        return "the archive file \(path) was deleted or replaced while Trellis runs; what is written now would be lost at exit: restart Trellis to open an archive there again"
    }

    /// The log file of the archive at `path`.
    public static func writeAheadLogPath(of path: String) -> String { path + ".wal-log" }

    init(path: String, indexedAttributeKeys: Set<String>, writeAheadLog: Bool, logTruncationBytes: Int) throws(StorageError) {
        self.path = path
        self.indexedAttributeKeys = indexedAttributeKeys
        self.logTruncationBytes = logTruncationBytes
        try Self.createParentDirectory(of: path)
        if FileManager.default.fileExists(atPath: path) {
            try Self.checkExistingFile(path)
        }
        let writeConnection = try SQLiteConnection(path: path, readOnly: false, create: true)
        // Before the first table exists this sets up size retention; otherwise it changes nothing.
        try writeConnection.execute("PRAGMA auto_vacuum = INCREMENTAL")
        // Also only before the first table. 4 KiB pages: each commit rewrites the pages its
        // random trace-ID keys land on, so smaller pages mean fewer bytes through the WAL.
        try writeConnection.execute("PRAGMA page_size = 4096")
        let mode = try writeConnection.textRows("PRAGMA journal_mode = WAL")
        guard mode.first?.lowercased() == "wal" else {
            throw .sqlite(code: 0, message: "journal mode is \(mode.first ?? "unknown")", context: "switching \(path) to WAL")
        }
        try writeConnection.execute("PRAGMA synchronous = NORMAL")
        try writeConnection.execute("PRAGMA busy_timeout = 5000")
        try writeConnection.execute("PRAGMA cache_size = -65536")
        try writeConnection.execute("PRAGMA temp_store = MEMORY")
        // Checkpoint (and fsync the database) every ~64 MiB of WAL rather than every 4 MiB.
        try writeConnection.execute("PRAGMA wal_autocheckpoint = 16384")
        try ArchiveSchema.migrate(writeConnection, indexedKeys: indexedAttributeKeys)

        let readConnection = try SQLiteConnection(path: path, readOnly: true, create: false)
        try readConnection.execute("PRAGMA busy_timeout = 5000")
        try readConnection.execute("PRAGMA cache_size = -16384")

        let connection = ArchiveWriterConnection(db: writeConnection)
        let committed = try connection.committedSequence()
        var lastSequence = committed
        if writeAheadLog {
            let log = try WriteAheadLog(path: Self.writeAheadLogPath(of: path))
            let (recovery, last) = try Self.replay(log, into: connection, after: committed, indexedKeys: indexedAttributeKeys)
            lastSequence = max(committed, last)
            self.log = log
            self.recovery = recovery
        } else {
            log = nil
            recovery = nil
        }
        intake = Mutex(Intake(lastSequence: lastSequence, committed: lastSequence))
        openedFile = FileIdentity(path: path)
        writer = Mutex(connection)
        reader = Mutex(ArchiveReaderConnection(db: readConnection))
    }

    /// Commits the log's records after `committed`, then empties the log. Returns what was done
    /// and the last sequence number in the log.
    private static func replay(
        _ log: WriteAheadLog, into connection: ArchiveWriterConnection, after committed: UInt64, indexedKeys: Set<String>
    ) throws(StorageError) -> (WriteAheadLogRecovery, UInt64) {
        let contents = try log.readAll()
        let decoder = OTLPProtobufDecoder()
        var batches = 0
        var spans = 0
        for record in contents.records where record.sequence > committed {
            let batch: TraceBatch
            do {
                batch = try decoder.decode(record.payload).batch
            } catch {
                throw .writeAheadLog(path: log.path, detail: "record \(record.sequence) passed its checksum but does not decode: \(error)")
            }
            let chunks = EncodedChunk.make(TracePiece.pieces(of: batch, indexedKeys: indexedKeys), keepRecord: false).chunks
            try connection.insert([PendingWrite(sequence: record.sequence, chunks: chunks, dependencies: DependencyBuckets.of(batch))])
            batches += 1
            spans += batch.spanCount
        }
        if log.byteCount > 0 {
            try connection.checkpoint()
            try log.truncate()
        }
        let recovery = WriteAheadLogRecovery(path: log.path, replayedBatches: batches, replayedSpans: spans, ignoredTailBytes: contents.tornBytes)
        return (recovery, contents.records.last?.sequence ?? 0)
    }

    deinit { close() }

    /// Closes both connections (SQLite checkpoints the WAL into the file). Later calls throw `StorageError.closed`.
    public func close() {
        reader.withLock { connection in
            connection?.db.close()
            connection = nil
        }
        writer.withLock { connection in
            connection?.db.close()
            connection = nil
        }
    }

    // MARK: Writing

    /// Stores one write's pieces (split by `TracePiece.pieces(of:indexedKeys:)` with this archive's
    /// `indexedAttributeKeys`) and its dependency summaries in one transaction; with a log, the
    /// write is one record, synced before the commit.
    public func write(pieces: [TracePiece], dependencies: [UInt64: DependencySummary]) throws(StorageError) {
        guard !pieces.isEmpty || !dependencies.isEmpty else { return }
        let (chunks, record) = EncodedChunk.make(pieces, keepRecord: log != nil)
        let sequence = try accept(chunks: chunks, record: record, dependencies: dependencies)
        try log?.sync(through: sequence)
        try commit(through: sequence)
    }

    /// Logs a write's record (with a log) and queues its chunks; returns its sequence number.
    private func accept(chunks: [EncodedChunk], record: [UInt8], dependencies: [UInt64: DependencySummary]) throws(StorageError) -> UInt64 {
        try intake.withLock { state throws(StorageError) -> UInt64 in
            let sequence = state.lastSequence + 1
            try log?.append(sequence: sequence, payload: record)
            state.lastSequence = sequence
            state.pending.append(PendingWrite(sequence: sequence, chunks: chunks, dependencies: dependencies))
            return sequence
        }
    }

    /// Returns once the write `sequence` is committed: by this caller, which then commits every
    /// queued write in one transaction, or by a caller that held the connection before.
    private func commit(through sequence: UInt64) throws(StorageError) {
        try withWriter { connection throws(StorageError) in
            let (done, failure) = intake.withLock { ($0.committed >= sequence, $0.failures.removeValue(forKey: sequence)) }
            if let failure { throw failure }
            guard !done else { return }
            let group = intake.withLock { state in
                defer { state.pending = [] }
                return state.pending
            }
            let last = group.last?.sequence ?? sequence
            do throws(StorageError) {
                try connection.insert(group)
            } catch {
                intake.withLock { state in
                    for write in group where write.sequence != sequence { state.failures[write.sequence] = error }
                    state.committed = last
                }
                throw error
            }
            intake.withLock { $0.committed = last }
            try emptyLogIfCommitted(connection)
        }
    }

    /// Empties a log past `logTruncationBytes` when every write in it is committed, after a
    /// checkpoint has synced those commits to disk. Appends wait meanwhile.
    private func emptyLogIfCommitted(_ connection: ArchiveWriterConnection) throws(StorageError) {
        guard let log, log.byteCount >= logTruncationBytes else { return }
        try intake.withLock { state throws(StorageError) in
            guard state.lastSequence == state.committed else { return }
            try connection.checkpoint()
            try log.truncate()
        }
    }

    // MARK: Retention

    /// Deletes up to `maxRows` stored blocks whose spans all started before `olderThan`
    /// (nanoseconds since the Unix epoch), oldest first, and the dependency buckets of up to
    /// `maxRows` minutes that ended before it, in one transaction. Returns how many blocks and
    /// dependency rows were deleted; call again until it returns 0.
    public func deleteExpired(olderThan cutoff: UInt64, maxRows: Int = 1000) throws(StorageError) -> Int {
        guard maxRows > 0 else { throw .invalidRetentionArgument(name: "maxRows", value: maxRows) }
        return try withWriter { connection throws(StorageError) in try connection.deleteExpired(olderThan: cutoff, maxRows: maxRows) }
    }

    /// While the archive's data pages take `untilBytesBelow` bytes or more, deletes up to `maxRows`
    /// of the oldest blocks in one transaction, with the dependency buckets and span metrics of the
    /// minutes before the oldest span still kept. Returns how many blocks and minute rows were
    /// deleted; call again until it returns 0. Freed pages are reused by later writes;
    /// `releaseFreePages()` shrinks the file.
    public func deleteOldest(untilBytesBelow limit: Int, maxRows: Int = 1000) throws(StorageError) -> Int {
        guard maxRows > 0 else { throw .invalidRetentionArgument(name: "maxRows", value: maxRows) }
        guard limit > 0 else { throw .invalidRetentionArgument(name: "untilBytesBelow", value: limit) }
        return try withWriter { connection throws(StorageError) in try connection.deleteOldest(untilBytesBelow: limit, maxRows: maxRows) }
    }

    /// `deleteExpired` then `deleteOldest` until each has nothing left to delete.
    public func applyRetention(olderThan cutoff: UInt64, maxBytes: Int) throws(StorageError) -> (deleted: Int, storedBytes: Int) {
        var deleted = 0
        while case let n = try deleteExpired(olderThan: cutoff), n > 0 { deleted += n }
        while case let n = try deleteOldest(untilBytesBelow: maxBytes), n > 0 { deleted += n }
        return (deleted, try storedBytes())
    }

    /// Bytes of the database's pages that hold data (free pages not counted; the WAL not counted).
    public func storedBytes() throws(StorageError) -> Int {
        try withWriter { connection throws(StorageError) in try connection.usedBytes() }
    }

    /// Returns free pages to the file system; the file shrinks once the WAL is checkpointed.
    public func releaseFreePages() throws(StorageError) {
        try withWriter { connection throws(StorageError) in try connection.releaseFreePages() }
    }

    // MARK: Reading

    public func trace(_ id: TraceID) async throws -> TraceBatch? {
        let batches = try withReader { connection throws(StorageError) in try connection.batches(of: id) }
        return TraceAssembly.merge(batches)
    }

    public func findTraces(_ query: TraceQuery) async throws -> [FoundTrace] {
        try query.validate()
        let keys = indexedAttributeKeys
        return try withReader { connection throws(StorageError) in try connection.findTraces(query, indexedKeys: keys) }
    }

    public func services() async throws -> [String] {
        try withReader { connection throws(StorageError) in try connection.services() }
    }

    public func operations(service: String) async throws -> [Operation] {
        try withReader { connection throws(StorageError) in try connection.operations(service: service) }
    }

    public func dependencies(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> DependencySummary {
        try withReader { connection throws(StorageError) in try DependencyRows.summary(from: startUnixNano, to: endUnixNano, in: connection.db) }
    }

    public func spanMetrics(service: String, from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [SpanMetricsKey: SpanMetricsCounts] {
        try withReader { connection throws(StorageError) in try SpanMetricsRows.counts(service: service, from: startUnixNano, to: endUnixNano, in: connection.db) }
    }

    public func spanMetricsServices(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [String] {
        try withReader { connection throws(StorageError) in try SpanMetricsRows.services(from: startUnixNano, to: endUnixNano, in: connection.db) }
    }

    /// Adds a spanmetrics connector flush to `span_metrics`, in one transaction of its own (not
    /// through the write-ahead log: a crash loses at most the counts of one flush interval).
    public func writeSpanMetrics(_ minutes: [SpanMetricsKey: SpanMetricsCounts]) throws(StorageError) {
        try withWriter { connection throws(StorageError) in try SpanMetricsRows.upsert(minutes, into: connection.db) }
    }

    /// SQLite's plan for a query on the read connection (tests check searches use indexes).
    func queryPlan(_ sql: String) throws(StorageError) -> [String] {
        try withReader { connection throws(StorageError) in try connection.queryPlan(sql) }
    }

    // MARK: Plumbing

    private func withWriter<T: Sendable>(_ body: (ArchiveWriterConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        try writer.withLock { connection throws(StorageError) -> T in
            guard let connection else { throw .closed }
            return try body(connection)
        }
    }

    private func withReader<T: Sendable>(_ body: (ArchiveReaderConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        try reader.withLock { connection throws(StorageError) -> T in
            guard let connection else { throw .closed }
            return try body(connection)
        }
    }

    private static func createParentDirectory(of path: String) throws(StorageError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: directory, detail: "\(error)")
        }
    }

    /// Reads the schema version and runs `PRAGMA quick_check` on a read-only connection, so a
    /// file that is refused is never written to.
    private static func checkExistingFile(_ path: String) throws(StorageError) {
        let db: SQLiteConnection
        do {
            db = try SQLiteConnection(path: path, readOnly: true, create: false)
        } catch {
            throw corruption(error, path: path) ?? error
        }
        defer { db.close() }
        do {
            let version = Int(try db.integer("PRAGMA user_version"))
            if version > ArchiveSchema.currentVersion {
                throw StorageError.newerSchema(found: version, supported: ArchiveSchema.currentVersion)
            }
            let problems = try db.textRows("PRAGMA quick_check")
            if problems != ["ok"] {
                throw StorageError.corrupted(path: path, detail: "quick_check: " + problems.prefix(5).joined(separator: "; "))
            }
        } catch let error as StorageError {
            throw corruption(error, path: path) ?? error
        } catch {
            throw .corrupted(path: path, detail: "\(error)")
        }
    }

    /// SQLite's "not a database" and "corrupt" failures, as `StorageError.corrupted`.
    private static func corruption(_ error: StorageError, path: String) -> StorageError? {
        guard case .sqlite(let code, let message, _) = error else { return nil }
        let primary = code & 0xFF
        guard primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB else { return nil }
        return .corrupted(path: path, detail: message)
    }
}
