import TrellisModel

/// A search for traces, as Jaeger's `TraceQueryParams`: a service, optionally narrowed by
/// operation, span kind, attributes, span duration and time range.
///
/// A trace matches when one of its spans satisfies every condition at once: the span's
/// resource has `service.name == service`, its name is `operation`, its kind is `spanKind`,
/// every attribute filter holds on the span's attributes or its resource's, its duration lies
/// within `minDuration...maxDuration`, and its start time lies within `start...end`.
/// Times and durations are nanoseconds; bounds are inclusive.
public struct TraceQuery: Hashable, Sendable {
    /// The default number of traces returned, as Jaeger's UI asks.
    public static let defaultLimit = 20

    public var service: String
    public var operation: String?
    public var spanKind: SpanKind?
    public var attributes: [AttributeFilter]
    /// Smallest span duration, in nanoseconds.
    public var minDuration: UInt64?
    /// Largest span duration, in nanoseconds.
    public var maxDuration: UInt64?
    /// Earliest span start, in nanoseconds since the Unix epoch.
    public var start: UInt64?
    /// Latest span start, in nanoseconds since the Unix epoch.
    public var end: UInt64?
    /// The most trace IDs returned.
    public var limit: Int

    public init(
        service: String, operation: String? = nil, spanKind: SpanKind? = nil, attributes: [AttributeFilter] = [],
        minDuration: UInt64? = nil, maxDuration: UInt64? = nil, start: UInt64? = nil, end: UInt64? = nil,
        limit: Int = TraceQuery.defaultLimit
    ) {
        self.service = service
        self.operation = operation
        self.spanKind = spanKind
        self.attributes = attributes
        self.minDuration = minDuration
        self.maxDuration = maxDuration
        self.start = start
        self.end = end
        self.limit = limit
    }

    /// Throws the first problem found: no service, an inverted time range, a non-positive
    /// limit, a minimum duration above the maximum, or an invalid attribute filter.
    public func validate() throws(StorageError) {
        if service.isEmpty { throw .missingService }
        if let start, let end, start > end { throw .invertedTimeRange(start: start, end: end) }
        if limit <= 0 { throw .invalidLimit(limit) }
        if let minDuration, let maxDuration, minDuration > maxDuration {
            throw .invertedDurationRange(min: minDuration, max: maxDuration)
        }
        for filter in attributes { try filter.validate() }
    }
}
