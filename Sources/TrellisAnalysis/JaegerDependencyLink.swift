import TrellisModel

/// One edge of Jaeger's `GET /api/dependencies` answer, in Jaeger's field names.
public struct JaegerDependencyLink: Encodable, Sendable, Hashable {
    /// The calling service.
    public var parent: String
    /// The called service.
    public var child: String
    /// The number of calls.
    public var callCount: UInt64

    public init(parent: String, child: String, callCount: UInt64) {
        self.parent = parent
        self.child = child
        self.callCount = callCount
    }

    /// The links of `summary` between instrumented services, sorted by parent, then child.
    /// Links to virtual peers are left out, as Jaeger knows only services that send spans.
    public static func links(in summary: DependencySummary) -> [JaegerDependencyLink] {
        summary.sortedLinks.filter { !$0.childIsVirtual }.map {
            JaegerDependencyLink(parent: $0.parent, child: $0.child, callCount: $0.callCount)
        }
    }
}
