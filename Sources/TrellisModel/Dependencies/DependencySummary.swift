/// The dependency edges and service figures of a set of spans, mergeable across batches and
/// time buckets; stores aggregate it at write time so dependency queries never rescan spans.
public struct DependencySummary: Hashable, Sendable {
    /// Identifies an edge: calls from `parent` to `child`.
    public struct LinkKey: Hashable, Sendable {
        public var parent: String
        public var child: String

        public init(parent: String, child: String) {
            self.parent = parent
            self.child = child
        }
    }

    public private(set) var links: [LinkKey: DependencyLink]
    public private(set) var services: [String: ServiceActivity]

    public init(links: [DependencyLink] = [], services: [ServiceActivity] = []) {
        self.links = [:]
        self.services = [:]
        for link in links { merge(link) }
        for activity in services { merge(activity) }
    }

    /// True when no span was recorded.
    public var isEmpty: Bool { links.isEmpty && services.isEmpty }

    /// The edges sorted by parent, then child.
    public var sortedLinks: [DependencyLink] {
        links.values.sorted { ($0.parent, $0.child) < ($1.parent, $1.child) }
    }

    /// The service figures sorted by name.
    public var sortedServices: [ServiceActivity] {
        services.values.sorted { $0.service < $1.service }
    }

    /// Counts one call on its edge.
    public mutating func record(_ call: ServiceCall) {
        let key = LinkKey(parent: call.parent, child: call.child)
        links[key, default: DependencyLink(parent: call.parent, child: call.child, childIsVirtual: call.childIsVirtual)].record(call)
    }

    /// Adds the calls of an edge.
    public mutating func merge(_ link: DependencyLink) {
        let key = LinkKey(parent: link.parent, child: link.child)
        if links[key] == nil {
            links[key] = link
        } else {
            links[key]!.merge(link)
        }
    }

    /// Adds the figures of a service.
    public mutating func merge(_ activity: ServiceActivity) {
        if services[activity.service] == nil {
            services[activity.service] = activity
        } else {
            services[activity.service]!.merge(activity)
        }
    }

    /// Adds everything of another summary.
    public mutating func merge(_ other: DependencySummary) {
        for link in other.links.values { merge(link) }
        for activity in other.services.values { merge(activity) }
    }

    /// The summaries of one batch's spans per time bucket, on its own (nothing waits for other
    /// batches; see `DependencyPairing`): bucket start (Unix nanoseconds, a multiple of
    /// `bucketNanos`) → what the spans starting in that bucket add. Calls are placed by the start
    /// of the called span.
    public static func bucketed(_ batch: TraceBatch, bucketNanos: UInt64) -> [UInt64: DependencySummary] {
        var pairing = DependencyPairing(wait: .zero, maxWaiting: 0, bucketNanos: bucketNanos)
        return pairing.add(TraceSlice.slices(of: batch, indexedKeys: .none), now: .zero)
    }
}
