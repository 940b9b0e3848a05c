import CoreMetrics
import TrellisModel

/// The `nop` exporter: counts the spans it receives in `trellis_exporter_sent_spans_total`
/// and discards them. It is the counting sink of the `ingest-null` benchmark, and the
/// OpenTelemetry Collector's `nop` exporter under the same name.
public struct NopExporter: SpanConsumer {
    private let sent: Counter

    public init(name: String = "nop", metrics: any MetricsFactory) {
        sent = Counter(label: "trellis_exporter_sent_spans_total", dimensions: [("exporter", name)], factory: metrics)
    }

    public func consume(_ slices: [TraceSlice]) async throws(PipelineRefusal) {
        sent.increment(by: slices.spanCount)
    }

    public func shutdown(deadline: ContinuousClock.Instant) async {}
}
