/// Requests, errors and durations (RED) of the spans under one `SpanMetricsKey`.
public struct SpanMetricsCounts: Hashable, Sendable {
    /// Spans counted.
    public var calls: UInt64
    /// Of them, spans whose status is ERROR.
    public var errors: UInt64
    /// Their durations (quantiles within 12.5 %, see `LatencyHistogram`).
    public var latency: LatencyHistogram

    public init(calls: UInt64 = 0, errors: UInt64 = 0, latency: LatencyHistogram = LatencyHistogram()) {
        self.calls = calls
        self.errors = errors
        self.latency = latency
    }

    /// Counts one span.
    public mutating func record(durationNanos: UInt64, isError: Bool) {
        calls += 1
        if isError { errors += 1 }
        latency.record(nanos: durationNanos)
    }

    /// Adds every span of `other`.
    public mutating func merge(_ other: SpanMetricsCounts) {
        calls += other.calls
        errors += other.errors
        latency.merge(other.latency)
    }

    /// These counts with every span of `other` added.
    public func merging(_ other: SpanMetricsCounts) -> SpanMetricsCounts {
        var out = self
        out.merge(other)
        return out
    }
}
