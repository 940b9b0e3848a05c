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
        let first = startUnixNano - startUnixNano % SpanMetricsKey.bucketNanos, last = endUnixNano - endUnixNano % SpanMetricsKey.bucketNanos
        for (key, counts) in connector.pendingMinutes() where key.service == service && (first...last).contains(key.bucket) {
            out[key, default: SpanMetricsCounts()].merge(counts)
        }
        return out
    }
}
