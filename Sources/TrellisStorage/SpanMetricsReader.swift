import TrellisModel

/// Reads the span metrics the spanmetrics connector kept (requests, errors and latency per
/// minute, counted before sampling): what Jaeger's Monitor API asks its metrics store for.
public protocol SpanMetricsReader: Sendable {
    /// The counts of `service`'s spans that started in `startUnixNano...endUnixNano`, per minute,
    /// operation and kind; the range is widened to whole minutes. Throws
    /// `StorageError.invertedTimeRange` when start is after end.
    func spanMetrics(service: String, from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [SpanMetricsKey: SpanMetricsCounts]

    /// The services with counts of spans that started in `startUnixNano...endUnixNano` (widened to
    /// whole minutes), sorted: those tail sampling dropped every trace of too. Throws
    /// `StorageError.invertedTimeRange` when start is after end.
    func spanMetricsServices(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> [String]
}
