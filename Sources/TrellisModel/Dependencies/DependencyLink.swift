/// The calls from one service to another over some time: what a dependency edge carries.
public struct DependencyLink: Hashable, Sendable {
    public var parent: String
    public var child: String
    public var callCount: UInt64
    public var errorCount: UInt64
    /// The durations of the called spans.
    public var latency: LatencyHistogram
    /// Whether the child is an uninstrumented peer (see `ServiceCall.childIsVirtual`).
    public var childIsVirtual: Bool

    public init(parent: String, child: String, callCount: UInt64 = 0, errorCount: UInt64 = 0, latency: LatencyHistogram = LatencyHistogram(), childIsVirtual: Bool = false) {
        self.parent = parent
        self.child = child
        self.callCount = callCount
        self.errorCount = errorCount
        self.latency = latency
        self.childIsVirtual = childIsVirtual
    }

    /// Adds one call.
    public mutating func record(_ call: ServiceCall) {
        callCount += 1
        if call.isError { errorCount += 1 }
        latency.record(nanos: call.durationNanos)
    }

    /// Adds the calls of another link between the same services.
    public mutating func merge(_ other: DependencyLink) {
        callCount += other.callCount
        errorCount += other.errorCount
        latency.merge(other.latency)
    }
}
