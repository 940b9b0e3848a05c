import TrellisModel

/// The archive's dependency tables: one row per (minute bucket, edge) and per (minute bucket,
/// service), upserted by the writer inside a write's transaction and read by bucket range
/// through their primary keys, so a query over a day reads at most 1,440 buckets' rows and
/// never a span.
enum DependencyRows {
    /// Adds a write's summaries to their buckets' rows (read, merge, replace).
    static func upsert(_ bucketed: [UInt64: DependencySummary], into db: SQLiteConnection) throws(StorageError) {
        guard !bucketed.isEmpty else { return }
        let selectLink = try db.statement("SELECT calls, errors, latency FROM dependency_links WHERE bucket = ?1 AND parent = ?2 AND child = ?3")
        let replaceLink = try db.statement("""
            INSERT OR REPLACE INTO dependency_links (bucket, parent, child, child_is_virtual, calls, errors, latency)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        let selectService = try db.statement("SELECT spans, errors, server_latency FROM dependency_services WHERE bucket = ?1 AND service = ?2")
        let replaceService = try db.statement("""
            INSERT OR REPLACE INTO dependency_services (bucket, service, spans, errors, server_latency) VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        for (bucket, summary) in bucketed {
            let time = SQLiteValues.time(bucket)
            for link in summary.links.values {
                try MinuteRows.upsert(link, bucket: time, keys: [.text(link.parent), .text(link.child)], select: selectLink, replace: replaceLink) { (row, stored) throws(StorageError) in
                    row.merge(DependencyLink(parent: row.parent, child: row.child, callCount: UInt64(stored.int64(0)),
                                             errorCount: UInt64(stored.int64(1)), latency: try HistogramBlob.decode(stored.blob(2))))
                } values: { row in
                    [.int(row.childIsVirtual ? 1 : 0), .int(Int64(clamping: row.callCount)), .int(Int64(clamping: row.errorCount)),
                     .blob(HistogramBlob.encode(row.latency))]
                }
            }
            for activity in summary.services.values {
                try MinuteRows.upsert(activity, bucket: time, keys: [.text(activity.service)], select: selectService, replace: replaceService) { (row, stored) throws(StorageError) in
                    row.merge(ServiceActivity(service: row.service, spanCount: UInt64(stored.int64(0)), errorCount: UInt64(stored.int64(1)),
                                              serverLatency: try HistogramBlob.decode(stored.blob(2))))
                } values: { row in
                    [.int(Int64(clamping: row.spanCount)), .int(Int64(clamping: row.errorCount)), .blob(HistogramBlob.encode(row.serverLatency))]
                }
            }
        }
    }

    /// The SQL that reads the edges of a bucket range (tests check it searches the primary key).
    static let linksInRange = """
        SELECT parent, child, child_is_virtual, calls, errors, latency FROM dependency_links WHERE bucket BETWEEN ?1 AND ?2
        """
    /// The SQL that reads the service figures of a bucket range.
    static let servicesInRange = "SELECT service, spans, errors, server_latency FROM dependency_services WHERE bucket BETWEEN ?1 AND ?2"

    /// Everything in the buckets overlapping `start...end`.
    static func summary(from start: UInt64, to end: UInt64, in db: SQLiteConnection) throws(StorageError) -> DependencySummary {
        let range = try DependencyBuckets.bucketRange(from: start, to: end)
        var out = DependencySummary()
        let links = try db.statement(linksInRange)
        defer { links.reset() }
        links.bind(1, SQLiteValues.time(range.lowerBound))
        links.bind(2, SQLiteValues.time(range.upperBound))
        while try links.step() {
            out.merge(DependencyLink(parent: links.text(0), child: links.text(1),
                                     callCount: UInt64(links.int64(3)), errorCount: UInt64(links.int64(4)),
                                     latency: try HistogramBlob.decode(links.blob(5)), childIsVirtual: links.int64(2) != 0))
        }
        let services = try db.statement(servicesInRange)
        defer { services.reset() }
        services.bind(1, SQLiteValues.time(range.lowerBound))
        services.bind(2, SQLiteValues.time(range.upperBound))
        while try services.step() {
            out.merge(ServiceActivity(service: services.text(0), spanCount: UInt64(services.int64(1)),
                                      errorCount: UInt64(services.int64(2)), serverLatency: try HistogramBlob.decode(services.blob(3))))
        }
        return out
    }
}
