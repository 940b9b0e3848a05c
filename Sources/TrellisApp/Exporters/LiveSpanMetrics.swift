import TrellisModel
import TrellisPipeline
import TrellisStorage

/// What the Monitor API and `/monitor` read: the span metrics the archive keeps, plus the counts
/// the archive-keeping spanmetrics connector has gathered since its last flush, so a read does
/// not lag `metrics_flush_interval`. (During a flush, counts taken from the connector but not
/// yet committed are missing from a read for that moment.)
struct LiveSpanMetrics: SpanMetricsReader {
    let archive: any SpanMetricsReader
    let connector: SpanMetricsConnector

    func spanMetrics(service: String, from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [SpanMetricsKey: SpanMetricsCounts] {
        var out = try await archive.spanMetrics(service: service, from: startUnixNano, to: endUnixNano)
        for (key, counts) in try pending(from: startUnixNano, to: endUnixNano) where key.service == service {
            out[key, default: SpanMetricsCounts()].merge(counts)
        }
        return out
    }

    func spanMetricsServices(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [String] {
        let archived = try await archive.spanMetricsServices(from: startUnixNano, to: endUnixNano)
        return Set(archived + (try pending(from: startUnixNano, to: endUnixNano)).keys.map(\.service)).sorted()
    }

    /// The connector's unflushed counts in the minutes overlapping `start...end`.
    private func pending(from start: UInt64, to end: UInt64) throws(StorageError) -> [SpanMetricsKey: SpanMetricsCounts] {
        let minutes = try DependencyBuckets.bucketRange(from: start, to: end)
        return connector.pendingMinutes().filter { minutes.contains($0.key.bucket) }
    }
}
