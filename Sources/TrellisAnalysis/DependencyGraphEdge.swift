/// The calls from one service to another in a `DependencyGraph`.
public struct DependencyGraphEdge: Encodable, Sendable, Hashable {
    /// The calling service.
    public var parent: String
    /// The called service (or virtual peer).
    public var child: String
    /// The number of calls.
    public var callCount: UInt64
    /// The calls whose called span (for a virtual child, whose CLIENT span) ended in error.
    public var errorCount: UInt64
    /// The median duration of the called spans (for a virtual child, of the CLIENT spans),
    /// microseconds; absent when none was recorded.
    public var p50: UInt64?
    /// The 99th percentile of the same durations as `p50`, microseconds; absent likewise.
    public var p99: UInt64?

    public init(parent: String, child: String, callCount: UInt64, errorCount: UInt64, p50: UInt64?, p99: UInt64?) {
        self.parent = parent
        self.child = child
        self.callCount = callCount
        self.errorCount = errorCount
        self.p50 = p50
        self.p99 = p99
    }
}
