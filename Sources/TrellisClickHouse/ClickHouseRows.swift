import TrellisCodec
import TrellisModel
import TrellisStorage

/// The rows one write adds to the archive's tables (see `ClickHouseSchema`), as `RowBinary`
/// with the column lists their INSERTs name.
enum ClickHouseRows {
    static let spanColumns = ["day", "trace_id", "min_start", "max_start", "span_count", "payload"]
    static let groupColumns = ["day", "service", "operation", "kind", "trace_id", "min_start", "max_start", "min_duration", "max_duration",
                               "span_count", "attribute_keys", "attribute_types", "attribute_strings", "attribute_numbers"]
    static let linkColumns = ["day", "minute", "parent", "child", "child_is_virtual", "calls", "errors", "latencyMap.bucket", "latencyMap.count"]
    static let serviceColumns = ["day", "minute", "service", "spans", "errors", "serverLatencyMap.bucket", "serverLatencyMap.count"]
    static let metricColumns = ["day", "minute", "service", "operation", "kind", "calls", "errors", "latencyMap.bucket", "latencyMap.count"]

    /// The kinds of an indexed attribute value in `attribute_types`.
    enum ValueType: UInt8 {
        case string = 0, int = 1, double = 2, bool = 3
    }

    /// One `spans` row per piece (its slices as one OTLP protobuf request, each piece's
    /// resources and scopes once), on the day of its latest span (one span with a start far in the
    /// past does not send the piece to an expired day), and its `span_groups` rows (see
    /// `hourGroups`), each on the day of its own hour.
    static func pieces(_ pieces: [TracePiece]) -> (spans: [UInt8], groups: [UInt8]) {
        let encoder = OTLPProtobufEncoder()
        var spans = RowBinaryWriter()
        var groups = RowBinaryWriter()
        for piece in pieces {
            spans.date(ofUnixNano: piece.maxStart)
            spans.traceID(piece.traceID)
            spans.uint64(piece.minStart)
            spans.uint64(piece.maxStart)
            spans.uint32(UInt32(clamping: piece.spanCount))
            spans.string(encoder.encode(contents: piece.slices.map(\.content)))
            let attributes = piece.attributes.map(typed)
            for (key, summary) in hourGroups(piece) {
                groups.date(ofUnixNano: summary.minStart)
                groups.string(key.group.service)
                groups.string(key.group.operation)
                groups.uint8(UInt8(clamping: key.group.kind.rawValue))
                groups.traceID(piece.traceID)
                groups.uint64(summary.minStart)
                groups.uint64(summary.maxStart)
                groups.uint64(summary.minDuration)
                groups.uint64(summary.maxDuration)
                groups.uint32(UInt32(clamping: summary.spanCount))
                groups.array(attributes) { $0.string($1.key) }
                groups.array(attributes) { $0.uint8($1.type.rawValue) }
                groups.array(attributes) { $0.string($1.string) }
                groups.array(attributes) { $0.float64($1.number) }
            }
        }
        return (spans.bytes, groups.bytes)
    }

    /// A piece's spans per (service, operation, kind) and aligned hour of their start: each
    /// `span_groups` row's starts lie within one `ClickHouseSchema.groupWindowNanos`, which
    /// bounds a search's range on the `max_start` index from above.
    private static func hourGroups(_ piece: TracePiece) -> [HourGroup: SpanGroupSummary] {
        var out: [HourGroup: SpanGroupSummary] = [:]
        for slice in piece.slices {
            for span in slice.summary.spans {
                let key = HourGroup(group: SpanGroupKey(service: slice.service, operation: span.name, kind: span.kind),
                                    hour: span.startTimeUnixNano / ClickHouseSchema.groupWindowNanos)
                out[key, default: SpanGroupSummary()].add(span)
            }
        }
        return out
    }

    private struct HourGroup: Hashable {
        var group: SpanGroupKey
        var hour: UInt64
    }

    /// The `dependency_links` and `dependency_services` rows of a write's summaries, per minute.
    static func dependencies(_ bucketed: [UInt64: DependencySummary]) -> (links: [UInt8], services: [UInt8]) {
        var links = RowBinaryWriter()
        var services = RowBinaryWriter()
        for (minute, summary) in bucketed {
            for link in summary.links.values {
                links.date(ofUnixNano: minute)
                links.uint64(minute)
                links.string(link.parent)
                links.string(link.child)
                links.uint8(link.childIsVirtual ? 1 : 0)
                links.uint64(link.callCount)
                links.uint64(link.errorCount)
                histogram(link.latency, into: &links)
            }
            for activity in summary.services.values {
                services.date(ofUnixNano: minute)
                services.uint64(minute)
                services.string(activity.service)
                services.uint64(activity.spanCount)
                services.uint64(activity.errorCount)
                histogram(activity.serverLatency, into: &services)
            }
        }
        return (links.bytes, services.bytes)
    }

    /// The `span_metrics` rows of a spanmetrics connector flush.
    static func spanMetrics(_ minutes: [SpanMetricsKey: SpanMetricsCounts]) -> [UInt8] {
        var rows = RowBinaryWriter()
        for (key, counts) in minutes {
            rows.date(ofUnixNano: key.bucket)
            rows.uint64(key.bucket)
            rows.string(key.service)
            rows.string(key.operation)
            rows.uint8(UInt8(clamping: key.kind.rawValue))
            rows.uint64(counts.calls)
            rows.uint64(counts.errors)
            histogram(counts.latency, into: &rows)
        }
        return rows.bytes
    }

    /// A `…Map` nested column: the buckets in rising order, then their counts.
    private static func histogram(_ histogram: LatencyHistogram, into rows: inout RowBinaryWriter) {
        let buckets = histogram.counts.keys.sorted()
        rows.array(buckets) { $0.uint16($1) }
        rows.array(buckets) { $0.uint64(histogram.counts[$1]!) }
    }

    private static func typed(_ attribute: IndexedAttribute) -> (key: String, type: ValueType, string: String, number: Double) {
        switch attribute.value {
        case .string(let s): return (attribute.key, .string, s, .nan)
        case .int(let i): return (attribute.key, .int, "", Double(i))
        case .double(let d): return (attribute.key, .double, "", d)
        case .bool(let b): return (attribute.key, .bool, "", b ? 1 : 0)
        }
    }
}
