import TrellisModel

/// The archive's single writer: one connection, prepared statements, and caches of the IDs of
/// services and operations already stored. Used only under the archive's writer lock.
final class ArchiveWriterConnection {
    let db: SQLiteConnection
    private var serviceIDs: [String: Int64] = [:]
    private var operationIDs: [OperationName: Int64] = [:]
    private var operationKinds: Set<OperationKind> = []
    /// The longest time between the first and last span start of a stored group (nil until read).
    private var maxGroupSpan: UInt64?

    private struct OperationName: Hashable {
        var serviceID: Int64
        var name: String
    }

    private struct OperationKind: Hashable {
        var operationID: Int64
        var kind: SpanKind
    }

    init(db: SQLiteConnection) {
        self.db = db
    }

    /// Stores the pieces of the writes, adds their dependency summaries to their buckets and
    /// records the last write's sequence number, in one transaction; on failure nothing of it stays.
    func insert(_ writes: [PendingWrite]) throws(StorageError) {
        guard let last = writes.last else { return }
        var dependencies: [UInt64: DependencySummary] = [:]
        for write in writes {
            for (bucket, summary) in write.dependencies { dependencies[bucket, default: DependencySummary()].merge(summary) }
        }
        try transaction { () throws(StorageError) in
            try insert(writes.flatMap(\.chunks))
            try DependencyRows.upsert(dependencies, into: db)
            let state = try db.statement("INSERT OR REPLACE INTO archive_state (key, value) VALUES ('sequence', ?1)")
            state.bind(1, Int64(bitPattern: last.sequence))
            try state.run()
        }
    }

    /// The sequence number of the last write committed (0 before the first).
    func committedSequence() throws(StorageError) -> UInt64 {
        UInt64(bitPattern: try db.integer("SELECT value FROM archive_state WHERE key = 'sequence'"))
    }

    /// Lets SQLite copy its WAL into the database file, syncing the WAL first: every committed
    /// transaction is then on disk, whatever `synchronous` says.
    func checkpoint() throws(StorageError) {
        try db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    }

    /// Inserts chunks with their lookup and search rows, inside the caller's transaction.
    func insert(_ chunks: [EncodedChunk]) throws(StorageError) {
        let insertChunk = try db.statement(
            "INSERT INTO chunks (min_start, max_start, span_count, trace_ids, data) VALUES (?1, ?2, ?3, ?4, ?5)")
        let insertTrace = try db.statement("INSERT INTO trace_chunks (trace_hi, trace_lo, chunk_id) VALUES (?1, ?2, ?3)")
        let insertGroup = try db.statement("""
            INSERT INTO chunk_groups (chunk_id, operation_id, kind, service_id, min_start, max_start, min_duration, max_duration)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        let insertAttribute = try db.statement("INSERT OR IGNORE INTO chunk_attributes (chunk_id, key, value) VALUES (?1, ?2, ?3)")
        try recordGroupSpans(of: chunks)
        for chunk in chunks {
            insertChunk.reset()
            insertChunk.bind(1, SQLiteValues.time(chunk.minStart))
            insertChunk.bind(2, SQLiteValues.time(chunk.maxStart))
            insertChunk.bind(3, chunk.spanCount)
            insertChunk.bind(4, blob: chunk.packedTraceIDs)
            insertChunk.bind(5, blob: chunk.data)
            try insertChunk.run()
            let chunkID = db.lastInsertRowID

            for id in chunk.traceIDs {
                let (hi, lo) = SQLiteValues.halves(id)
                insertTrace.reset()
                insertTrace.bind(1, hi)
                insertTrace.bind(2, lo)
                insertTrace.bind(3, chunkID)
                try insertTrace.run()
            }

            for (key, summary) in chunk.groups {
                let serviceID = try serviceID(key.service)
                let operationID = try operationID(serviceID: serviceID, name: key.operation, kind: key.kind)
                insertGroup.reset()
                insertGroup.bind(1, chunkID)
                insertGroup.bind(2, operationID)
                insertGroup.bind(3, Int64(key.kind.rawValue))
                insertGroup.bind(4, serviceID)
                insertGroup.bind(5, SQLiteValues.time(summary.minStart))
                insertGroup.bind(6, SQLiteValues.time(summary.maxStart))
                insertGroup.bind(7, SQLiteValues.time(summary.minDuration))
                insertGroup.bind(8, SQLiteValues.time(summary.maxDuration))
                try insertGroup.run()
            }

            for attribute in chunk.attributes {
                insertAttribute.reset()
                insertAttribute.bind(1, chunkID)
                insertAttribute.bind(2, attribute.key)
                insertAttribute.bind(3, attribute.value)
                try insertAttribute.run()
            }
        }
    }

    /// Keeps `max_group_span` in `archive_state` at least the longest group time span of the
    /// chunks, for searches to bound their index walk.
    private func recordGroupSpans(of chunks: [EncodedChunk]) throws(StorageError) {
        let stored: UInt64
        if let cached = maxGroupSpan {
            stored = cached
        } else {
            stored = UInt64(bitPattern: try db.integer(ArchiveSearchSQL.maxGroupSpan))
        }
        var longest = stored
        for chunk in chunks {
            for summary in chunk.groups.values { longest = max(longest, summary.maxStart - summary.minStart) }
        }
        maxGroupSpan = longest
        guard longest > stored else { return }
        let update = try db.statement("INSERT OR REPLACE INTO archive_state (key, value) VALUES ('max_group_span', ?1)")
        update.bind(1, SQLiteValues.time(longest))
        try update.run()
    }

    /// Deletes up to `maxRows` chunks whose spans all started before `cutoff`, oldest first,
    /// with their lookup and search rows, and the dependency buckets of up to `maxRows` minutes
    /// that ended before `cutoff`. Returns how many chunks and dependency rows went.
    func deleteExpired(olderThan cutoff: UInt64, maxRows: Int) throws(StorageError) -> Int {
        try transaction { () throws(StorageError) in
            let select = try db.statement("SELECT id, trace_ids FROM chunks WHERE max_start < ?1 ORDER BY max_start LIMIT ?2")
            select.bind(1, SQLiteValues.time(cutoff))
            select.bind(2, maxRows)
            let chunks = try deleteChunks(selectedBy: select)
            return try chunks + MinuteRows.deleteExpired(olderThan: cutoff, maxBuckets: maxRows, in: db)
        }
    }

    /// When the used pages reach `limit` bytes, deletes up to `maxRows` of the oldest chunks, and
    /// the per-minute rows (dependency buckets, span metrics) of the minutes wholly before the
    /// oldest trace data still kept: the earliest span start of the chunks left (a late write's
    /// chunk can reach back before chunks that end earlier), or, when none is left, the span
    /// start after the last of those deleted. Returns how many chunks and minute
    /// rows went (0 once below the limit).
    func deleteOldest(untilBytesBelow limit: Int, maxRows: Int) throws(StorageError) -> Int {
        guard try usedBytes() >= limit else { return 0 }
        return try transaction { () throws(StorageError) in
            let select = try db.statement("SELECT id, trace_ids, max_start FROM chunks ORDER BY max_start LIMIT ?1")
            select.bind(1, maxRows)
            var newestDeleted: Int64?
            let chunks = try deleteChunks(selectedBy: select) { newestDeleted = max(newestDeleted ?? .min, $0.int64(2)) }
            let oldest = try db.statement("SELECT min_start FROM chunks ORDER BY min_start LIMIT 1")
            defer { oldest.reset() }
            let keptFrom = try oldest.step() ? UInt64(oldest.int64(0)) : newestDeleted.map { UInt64($0) + 1 }
            guard let keptFrom else { return chunks }
            return try chunks + MinuteRows.deleteExpired(olderThan: keptFrom, maxBuckets: .max, in: db)
        }
    }

    /// Bytes in pages that hold data (the file's pages minus the free list).
    func usedBytes() throws(StorageError) -> Int {
        let pages = try db.integer("PRAGMA page_count") - db.integer("PRAGMA freelist_count")
        return Int(pages * (try db.integer("PRAGMA page_size")))
    }

    /// Gives free pages back to the file system (the file shrinks at the next checkpoint).
    func releaseFreePages() throws(StorageError) {
        try db.execute("PRAGMA incremental_vacuum")
    }

    /// Deletes the chunks a statement selects (columns: id, packed trace IDs, then any that
    /// `row` reads from each selected row) with their rows.
    private func deleteChunks(selectedBy select: SQLiteStatement, row: (SQLiteStatement) -> Void = { _ in }) throws(StorageError) -> Int {
        var selected: [(id: Int64, traces: [TraceID])] = []
        while try select.step() {
            selected.append((select.int64(0), EncodedChunk.traceIDs(packed: select.blob(1))))
            row(select)
        }
        select.reset()
        let deletes = [
            try db.statement("DELETE FROM chunk_groups WHERE chunk_id = ?1"),
            try db.statement("DELETE FROM chunk_attributes WHERE chunk_id = ?1"),
            try db.statement("DELETE FROM chunks WHERE id = ?1"),
        ]
        let deleteTrace = try db.statement("DELETE FROM trace_chunks WHERE trace_hi = ?1 AND trace_lo = ?2 AND chunk_id = ?3")
        for chunk in selected {
            for delete in deletes {
                delete.reset()
                delete.bind(1, chunk.id)
                try delete.run()
            }
            for id in chunk.traces {
                let (hi, lo) = SQLiteValues.halves(id)
                deleteTrace.reset()
                deleteTrace.bind(1, hi)
                deleteTrace.bind(2, lo)
                deleteTrace.bind(3, chunk.id)
                try deleteTrace.run()
            }
        }
        return selected.count
    }

    private func serviceID(_ name: String) throws(StorageError) -> Int64 {
        if let id = serviceIDs[name] { return id }
        let insert = try db.statement("INSERT OR IGNORE INTO services (name) VALUES (?1)")
        insert.bind(1, name)
        try insert.run()
        let select = try db.statement("SELECT id FROM services WHERE name = ?1")
        select.bind(1, name)
        guard try select.step() else { throw .sqlite(code: 0, message: "service row missing after insert", context: "storing service \(name)") }
        let id = select.int64(0)
        select.reset()
        serviceIDs[name] = id
        return id
    }

    private func operationID(serviceID: Int64, name: String, kind: SpanKind) throws(StorageError) -> Int64 {
        let key = OperationName(serviceID: serviceID, name: name)
        let id: Int64
        if let cached = operationIDs[key] {
            id = cached
        } else {
            let insert = try db.statement("INSERT OR IGNORE INTO operations (service_id, name) VALUES (?1, ?2)")
            insert.bind(1, serviceID)
            insert.bind(2, name)
            try insert.run()
            let select = try db.statement("SELECT id FROM operations WHERE service_id = ?1 AND name = ?2")
            select.bind(1, serviceID)
            select.bind(2, name)
            guard try select.step() else { throw .sqlite(code: 0, message: "operation row missing after insert", context: "storing operation \(name)") }
            id = select.int64(0)
            select.reset()
            operationIDs[key] = id
        }
        if operationKinds.insert(OperationKind(operationID: id, kind: kind)).inserted {
            let insert = try db.statement("INSERT OR IGNORE INTO operation_kinds (operation_id, kind) VALUES (?1, ?2)")
            insert.bind(1, id)
            insert.bind(2, Int64(kind.rawValue))
            try insert.run()
        }
        return id
    }

    /// Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back (and forgets cached IDs that may
    /// have been rolled back with it) on any error.
    private func transaction<T>(_ body: () throws(StorageError) -> T) throws(StorageError) -> T {
        try db.execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try db.execute("COMMIT")
            return result
        } catch {
            try? db.execute("ROLLBACK")
            maxGroupSpan = nil
            serviceIDs = [:]
            operationIDs = [:]
            operationKinds = []
            throw error
        }
    }
}
