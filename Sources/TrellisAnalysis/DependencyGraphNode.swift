/// A service in a `DependencyGraph`.
public struct DependencyGraphNode: Encodable, Sendable, Hashable {
    /// The service name; for a virtual node, the name its callers gave the peer.
    public var service: String
    /// The service's spans in the time range; 0 for a virtual node.
    public var spanCount: UInt64
    /// The share of the service's spans whose status is error, 0…1 (0 without spans); for a
    /// virtual node, the share of the calls to it that ended in error.
    public var errorRate: Double
    /// The median time the service took to answer, microseconds: over its SERVER and CONSUMER
    /// spans, or for a virtual node over its callers' CLIENT spans. Absent when none was recorded.
    public var p50: UInt64?
    /// The 99th percentile of the same durations as `p50`, microseconds; absent likewise.
    public var p99: UInt64?
    /// Whether this is an uninstrumented peer (a database, an external API) known only from the
    /// CLIENT spans calling it.
    public var virtual: Bool

    public init(service: String, spanCount: UInt64, errorRate: Double, p50: UInt64?, p99: UInt64?, virtual: Bool) {
        self.service = service
        self.spanCount = spanCount
        self.errorRate = errorRate
        self.p50 = p50
        self.p99 = p99
        self.virtual = virtual
    }
}
