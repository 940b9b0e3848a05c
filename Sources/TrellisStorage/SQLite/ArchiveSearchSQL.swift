/// The SQL that finds candidate traces for a query: span groups of the service (or of the
/// operation) newest first, narrowed by every bound the group summaries and the attribute
/// index can check. Values are returned for binding, in parameter order; only column names and
/// operators from closed enums go into the text.
enum ArchiveSearchSQL {
    static func candidates(
        _ query: TraceQuery, serviceID: Int64, operationID: Int64?, indexedKeys: Set<String>
    ) -> (sql: String, binds: [AttributeFilter.Value]) {
        var sql = "SELECT g.trace_hi, g.trace_lo, g.max_start FROM span_groups g WHERE "
        var binds: [AttributeFilter.Value] = []
        if let operationID {
            sql += "g.operation_id = ?"
            binds.append(.int(operationID))
        } else {
            sql += "g.service_id = ?"
            binds.append(.int(serviceID))
        }
        if let kind = query.spanKind {
            sql += " AND g.kind = ?"
            binds.append(.int(Int64(kind.rawValue)))
        }
        if let start = query.start {
            sql += " AND g.max_start >= ?"
            binds.append(.int(SQLiteValues.time(start)))
        }
        if let end = query.end {
            sql += " AND g.min_start <= ?"
            binds.append(.int(SQLiteValues.time(end)))
        }
        if let minDuration = query.minDuration {
            sql += " AND g.max_duration >= ?"
            binds.append(.int(SQLiteValues.time(minDuration)))
        }
        if let maxDuration = query.maxDuration {
            sql += " AND g.min_duration <= ?"
            binds.append(.int(SQLiteValues.time(maxDuration)))
        }
        for filter in query.attributes where indexedKeys.contains(filter.key) {
            sql += """
                 AND EXISTS (SELECT 1 FROM blocks b JOIN indexed_attributes a ON a.block_id = b.id \
                WHERE b.trace_hi = g.trace_hi AND b.trace_lo = g.trace_lo AND a.key = ? AND a.value \(filter.comparison.rawValue) ?
                """
            if filter.comparison != .equal { sql += " AND typeof(a.value) IN ('integer', 'real')" }
            sql += ")"
            binds.append(.string(filter.key))
            binds.append(filter.value)
        }
        sql += " ORDER BY g.max_start DESC"
        return (sql, binds)
    }

    /// The SQL that reads a trace's blocks.
    static let traceBlocks = "SELECT data FROM blocks WHERE trace_hi = ?1 AND trace_lo = ?2 ORDER BY id"
}
