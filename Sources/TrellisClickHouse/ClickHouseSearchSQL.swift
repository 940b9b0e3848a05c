import TrellisModel
import TrellisStorage

/// The SQL of a search's candidates in `span_groups`: the traces with a group of spans that may
/// hold a match (the conditions of `TraceMatcher.mayMatch`), each with the latest start among
/// those groups, highest first (ties by trace ID, higher first), one page at a time: a page
/// starts after the last candidate of the one before (keyset paging, so no page re-reads or
/// skips rows when others come and go between pages).
enum ClickHouseSearchSQL {
    /// A trace that may hold a matching span, and the latest start of its groups that may match
    /// (an upper bound of its rank).
    struct Candidate: Sendable {
        var traceID: TraceID
        var bound: UInt64
    }

    static func candidates(_ query: TraceQuery, table: String, indexedKeys: Set<String>, after: Candidate?, count: Int) -> String {
        var conditions = ["service = \(ClickHouseSQL.literal(query.service))"]
        if let operation = query.operation { conditions.append("operation = \(ClickHouseSQL.literal(operation))") }
        if let kind = query.spanKind { conditions.append("kind = \(kind.rawValue)") }
        if let start = query.start {
            conditions.append("max_start >= \(start)")
            // A row is on the day of its earliest start, less than a group window before its latest.
            conditions.append("day >= \(ClickHouseSQL.day(ofUnixNano: start > ClickHouseSchema.groupWindowNanos ? start - ClickHouseSchema.groupWindowNanos : 0))")
        }
        if let end = query.end {
            conditions.append("min_start <= \(end)")
            // A row's starts lie within one group window, so this bounds the index range from above too.
            let (bound, overflow) = end.addingReportingOverflow(ClickHouseSchema.groupWindowNanos)
            if !overflow { conditions.append("max_start < \(bound)") }
            conditions.append("day <= \(ClickHouseSQL.day(ofUnixNano: end))")
        }
        if let minDuration = query.minDuration { conditions.append("max_duration >= \(minDuration)") }
        if let maxDuration = query.maxDuration { conditions.append("min_duration <= \(maxDuration)") }
        for filter in query.attributes where indexedKeys.contains(filter.key) {
            conditions.append(attributeCondition(filter))
        }
        let having = after.map { " HAVING bound < \($0.bound) OR (bound = \($0.bound) AND trace_id < \(ClickHouseSQL.literal($0.traceID)))" } ?? ""
        return """
            SELECT trace_id, max(max_start) AS bound FROM \(table) WHERE \(conditions.joined(separator: " AND "))
            GROUP BY trace_id\(having) ORDER BY bound DESC, trace_id DESC LIMIT \(count) FORMAT RowBinary
            """
    }

    /// True for a row whose trace has an indexed value the filter may match. Numbers compare as
    /// Float64 with the non-strict comparison, so rounding can only let more rows through; the
    /// candidates' spans decide.
    static func attributeCondition(_ filter: AttributeFilter) -> String {
        let key = "k = \(ClickHouseSQL.literal(filter.key))"
        let test: String
        switch (filter.comparison, filter.value) {
        case (.equal, .string(let s)):
            test = "t = \(ClickHouseRows.ValueType.string.rawValue) AND s = \(ClickHouseSQL.literal(s))"
        case (.equal, .bool(let b)):
            test = "t = \(ClickHouseRows.ValueType.bool.rawValue) AND n = \(b ? 1 : 0)"
        default:
            let number = ClickHouseSQL.literal(filter.value.numericValue ?? .nan)
            let comparison: String
            switch filter.comparison {
            case .equal: comparison = "="
            case .greaterThan, .greaterThanOrEqual: comparison = ">="
            case .lessThan, .lessThanOrEqual: comparison = "<="
            }
            test = "t IN (\(ClickHouseRows.ValueType.int.rawValue), \(ClickHouseRows.ValueType.double.rawValue)) AND n \(comparison) \(number)"
        }
        return "arrayExists((k, t, s, n) -> \(key) AND \(test), attribute_keys, attribute_types, attribute_strings, attribute_numbers)"
    }
}
