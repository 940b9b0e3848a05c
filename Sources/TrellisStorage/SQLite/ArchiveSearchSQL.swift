/// The SQL that finds candidate chunks for a query: span groups of the service (or of the
/// operation) newest first, narrowed by every bound the group summaries and the attribute
/// index can check. Values are returned for binding, in parameter order; only column names and
/// operators from closed enums go into the text.
enum ArchiveSearchSQL {
    ///
    /// `maxGroupSpan` is the longest time between the first and last span start of any stored
    /// group: with it, a query's end also bounds the groups' latest start (`max_start <= end +
    /// maxGroupSpan`), so the index walk starts at the window instead of at the newest row.
    static func candidates(
        _ query: TraceQuery, serviceID: Int64, operationID: Int64?, indexedKeys: Set<String>, maxGroupSpan: UInt64
    ) -> (sql: String, binds: [AttributeFilter.Value]) {
        var sql = "SELECT g.chunk_id, g.max_start FROM chunk_groups g WHERE "
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
            sql += " AND g.min_start <= ? AND g.max_start <= ?"
            binds.append(.int(SQLiteValues.time(end)))
            let (bound, overflow) = end.addingReportingOverflow(maxGroupSpan)
            binds.append(.int(SQLiteValues.time(overflow ? .max : bound)))
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
                 AND EXISTS (SELECT 1 FROM chunk_attributes a \
                WHERE a.chunk_id = g.chunk_id AND a.key = ? AND a.value \(filter.comparison.rawValue) ?
                """
            if filter.comparison != .equal { sql += " AND typeof(a.value) IN ('integer', 'real')" }
            sql += ")"
            binds.append(.string(filter.key))
            binds.append(filter.value)
        }
        sql += " ORDER BY g.max_start DESC"
        return (sql, binds)
    }

    /// The SQL that reads the longest group time span stored (see `candidates`).
    static let maxGroupSpan = "SELECT value FROM archive_state WHERE key = 'max_group_span'"

    /// The SQL that lists the chunks holding a trace's spans.
    static let traceChunks = "SELECT chunk_id FROM trace_chunks WHERE trace_hi = ?1 AND trace_lo = ?2 ORDER BY chunk_id"

    /// The SQL that reads a chunk's compressed spans.
    static let chunkData = "SELECT data FROM chunks WHERE id = ?1"
}
