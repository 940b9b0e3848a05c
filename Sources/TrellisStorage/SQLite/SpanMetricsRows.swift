import TrellisModel

/// The archive's `span_metrics` table: one row per (minute bucket, service, operation, kind),
/// upserted at each spanmetrics connector flush and read by bucket range through the primary key.
enum SpanMetricsRows {
    /// Adds a flush's counts to their rows (read, merge, replace), in one transaction.
    static func upsert(_ minutes: [SpanMetricsKey: SpanMetricsCounts], into db: SQLiteConnection) throws(StorageError) {
        guard !minutes.isEmpty else { return }
        let select = try db.statement("SELECT calls, errors, latency FROM span_metrics WHERE bucket = ?1 AND service = ?2 AND operation = ?3 AND kind = ?4")
        let replace = try db.statement("""
            INSERT OR REPLACE INTO span_metrics (bucket, service, operation, kind, calls, errors, latency) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        try db.execute("BEGIN IMMEDIATE")
        do throws(StorageError) {
            for (key, counts) in minutes {
                try MinuteRows.upsert(counts, bucket: SQLiteValues.time(key.bucket),
                                      keys: [.text(key.service), .text(key.operation), .int(Int64(key.kind.rawValue))],
                                      select: select, replace: replace) { (row, stored) throws(StorageError) in
                    row.merge(SpanMetricsCounts(calls: UInt64(stored.int64(0)), errors: UInt64(stored.int64(1)), latency: try HistogramBlob.decode(stored.blob(2))))
                } values: { row in
                    [.int(Int64(clamping: row.calls)), .int(Int64(clamping: row.errors)), .blob(HistogramBlob.encode(row.latency))]
                }
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// The SQL that reads a service's rows in a bucket range (tests check it searches the primary key).
    static let inRange = """
        SELECT bucket, operation, kind, calls, errors, latency FROM span_metrics WHERE bucket BETWEEN ?1 AND ?2 AND service = ?3
        """

    /// The counts of `service` in the buckets overlapping `start...end`, per minute.
    static func counts(service: String, from start: UInt64, to end: UInt64, in db: SQLiteConnection) throws(StorageError) -> [SpanMetricsKey: SpanMetricsCounts] {
        let statement = try minutes(inRange, from: start, to: end, in: db)
        defer { statement.reset() }
        statement.bind(3, service)
        var out: [SpanMetricsKey: SpanMetricsCounts] = [:]
        while try statement.step() {
            let key = SpanMetricsKey(bucket: UInt64(statement.int64(0)), service: service, operation: statement.text(1),
                                     kind: SpanKind(rawValue: Int32(statement.int64(2))) ?? .unspecified)
            out[key] = SpanMetricsCounts(calls: UInt64(statement.int64(3)), errors: UInt64(statement.int64(4)), latency: try HistogramBlob.decode(statement.blob(5)))
        }
        return out
    }

    /// The SQL that lists the services of a bucket range (tests check it searches the primary key).
    static let servicesInRange = "SELECT DISTINCT service FROM span_metrics WHERE bucket BETWEEN ?1 AND ?2 ORDER BY service"

    /// The services with rows in the buckets overlapping `start...end`, sorted.
    static func services(from start: UInt64, to end: UInt64, in db: SQLiteConnection) throws(StorageError) -> [String] {
        let statement = try minutes(servicesInRange, from: start, to: end, in: db)
        defer { statement.reset() }
        var out: [String] = []
        while try statement.step() { out.append(statement.text(0)) }
        return out
    }

    /// `sql` prepared with the first and last bucket overlapping `start...end` bound to ?1 and ?2.
    private static func minutes(_ sql: String, from start: UInt64, to end: UInt64, in db: SQLiteConnection) throws(StorageError) -> SQLiteStatement {
        let range = try DependencyBuckets.bucketRange(from: start, to: end)
        let statement = try db.statement(sql)
        statement.bind(1, SQLiteValues.time(range.lowerBound))
        statement.bind(2, SQLiteValues.time(range.upperBound))
        return statement
    }
}
