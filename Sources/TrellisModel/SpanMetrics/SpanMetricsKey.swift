/// What the kept span metrics are aggregated by: one minute of span start times, a service, an
/// operation (span name) and a span kind.
public struct SpanMetricsKey: Hashable, Sendable, Comparable {
    /// The width of a bucket: one minute, in nanoseconds.
    public static let bucketNanos: UInt64 = 60_000_000_000

    /// The operation under which the spanmetrics connector keeps a flush's spans past its cap on
    /// keys: not a span name, so readers show it as the overflow it is, not as an operation to search.
    public static let overflowOperation = "otel_metric_overflow"

    /// The bucket's start, Unix nanoseconds (a multiple of `bucketNanos`).
    public var bucket: UInt64
    public var service: String
    public var operation: String
    public var kind: SpanKind

    public init(bucket: UInt64, service: String, operation: String, kind: SpanKind) {
        self.bucket = bucket
        self.service = service
        self.operation = operation
        self.kind = kind
    }

    /// The key of a span of `service` that started at `startUnixNano`.
    public init(service: String, operation: String, kind: SpanKind, startUnixNano: UInt64) {
        self.init(bucket: startUnixNano - startUnixNano % Self.bucketNanos, service: service, operation: operation, kind: kind)
    }

    public static func < (a: SpanMetricsKey, b: SpanMetricsKey) -> Bool {
        (a.bucket, a.service, a.operation, a.kind.rawValue) < (b.bucket, b.service, b.operation, b.kind.rawValue)
    }
}
