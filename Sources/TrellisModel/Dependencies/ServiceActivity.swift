/// What one service did over some time: the node figures of the dependency graph.
public struct ServiceActivity: Hashable, Sendable {
    public var service: String
    public var spanCount: UInt64
    /// Spans of the service whose status is error.
    public var errorCount: UInt64
    /// Durations of the service's SERVER and CONSUMER spans: how long it took to answer.
    public var serverLatency: LatencyHistogram

    public init(service: String, spanCount: UInt64 = 0, errorCount: UInt64 = 0, serverLatency: LatencyHistogram = LatencyHistogram()) {
        self.service = service
        self.spanCount = spanCount
        self.errorCount = errorCount
        self.serverLatency = serverLatency
    }

    /// Counts one span of the service.
    public mutating func record(_ span: SpanFacts) {
        spanCount += 1
        if span.isError { errorCount += 1 }
        if span.kind == .server || span.kind == .consumer { serverLatency.record(nanos: span.durationNanos) }
    }

    /// Adds the figures of the same service over another time.
    public mutating func merge(_ other: ServiceActivity) {
        spanCount += other.spanCount
        errorCount += other.errorCount
        serverLatency.merge(other.serverLatency)
    }
}
