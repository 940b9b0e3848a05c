import TrellisModel

/// What the archive's per-minute aggregate tables (`dependency_links`, `dependency_services`,
/// `span_metrics`) share: rows keyed by (minute bucket, keys…), merged by read-merge-replace
/// inside a write's transaction, and deleted by bucket for retention.
enum MinuteRows {
    /// The tables keyed by minute bucket first.
    static let tables = ["dependency_links", "dependency_services", "span_metrics"]

    /// A value bound to a key or a column of a row.
    enum Column {
        case int(Int64)
        case text(String)
        case blob([UInt8])
    }

    /// Reads the row stored under (bucket, keys), merges it into `row`, and writes the result back.
    /// Both statements take the bucket and the keys as their first parameters, the replace then `values`.
    static func upsert<Row>(
        _ row: Row, bucket: Int64, keys: [Column], select: SQLiteStatement, replace: SQLiteStatement,
        merge: (inout Row, SQLiteStatement) throws(StorageError) -> Void, values: (Row) -> [Column]
    ) throws(StorageError) {
        var row = row
        select.reset()
        select.bind(1, bucket)
        for (i, key) in keys.enumerated() { bind(key, at: Int32(i + 2), to: select) }
        if try select.step() { try merge(&row, select) }
        select.reset()
        replace.reset()
        replace.bind(1, bucket)
        for (i, key) in keys.enumerated() { bind(key, at: Int32(i + 2), to: replace) }
        for (i, value) in values(row).enumerated() { bind(value, at: Int32(keys.count + 2 + i), to: replace) }
        try replace.run()
    }

    private static func bind(_ value: Column, at index: Int32, to statement: SQLiteStatement) {
        switch value {
        case .int(let v): statement.bind(index, v)
        case .text(let t): statement.bind(index, t)
        case .blob(let b): statement.bind(index, blob: b)
        }
    }

    /// Deletes the buckets whose whole minute lies before `cutoff`, at most `maxBuckets` minutes
    /// of them (oldest first). Returns how many rows went.
    static func deleteExpired(olderThan cutoff: UInt64, maxBuckets: Int, in db: SQLiteConnection) throws(StorageError) -> Int {
        guard cutoff >= DependencyBuckets.bucketNanos else { return 0 }
        let lastExpired = SQLiteValues.time(cutoff - DependencyBuckets.bucketNanos)
        var deleted = 0
        for table in tables {
            let oldest = try db.statement("SELECT min(bucket) FROM \(table)")
            guard try oldest.step(), !oldest.isNull(0) else { oldest.reset(); continue }
            let first = oldest.int64(0)
            oldest.reset()
            // At most `maxBuckets` minutes from the oldest bucket, and never past the cutoff.
            let span = Int64(clamping: DependencyBuckets.bucketNanos).multipliedReportingOverflow(by: Int64(max(1, maxBuckets)))
            let (end, overflow) = first.addingReportingOverflow(span.partialValue - 1)
            let bound = span.overflow || overflow ? lastExpired : min(lastExpired, end)
            let delete = try db.statement("DELETE FROM \(table) WHERE bucket <= ?1")
            delete.bind(1, bound)
            try delete.run()
            deleted += db.changes
        }
        return deleted
    }
}
