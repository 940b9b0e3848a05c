import TrellisModel

/// The services and the calls between them over a time range, with call, error and latency
/// figures. Served by `GET /api/dependencies/graph?start=&end=&service=`.
///
/// Latency percentiles come from the summary's histograms, so they are within 12.5 % of the
/// true value (see `LatencyHistogram`).
public struct DependencyGraph: Encodable, Sendable, Hashable {
    /// The services, sorted by name.
    public var nodes: [DependencyGraphNode]
    /// The calls, sorted by parent, then child.
    public var edges: [DependencyGraphEdge]

    public init(nodes: [DependencyGraphNode], edges: [DependencyGraphEdge]) {
        self.nodes = nodes
        self.edges = edges
    }

    /// The graph of `summary`. With `service`, only the edges from or to that service are kept,
    /// with the nodes they connect and the service's own node (nothing when the summary does
    /// not know the service). Node figures are always those of the whole summary.
    ///
    /// A name that appears only as the child of links (no spans of its own) gets its figures
    /// from the calls to it; it is `virtual` when one of those links is to an uninstrumented peer.
    public init(summary: DependencySummary, service: String? = nil) {
        let links = summary.sortedLinks.filter { service == nil || $0.parent == service || $0.child == service }
        var names = Set(links.flatMap { [$0.parent, $0.child] })
        if let service {
            if summary.services[service] != nil { names.insert(service) }
        } else {
            names.formUnion(summary.services.keys)
        }
        self.init(
            nodes: names.sorted().map { Self.node($0, in: summary) },
            edges: links.map {
                DependencyGraphEdge(parent: $0.parent, child: $0.child, callCount: $0.callCount, errorCount: $0.errorCount,
                                    p50: $0.latency.quantileMicros(0.5), p99: $0.latency.quantileMicros(0.99))
            }
        )
    }

    private static func node(_ name: String, in summary: DependencySummary) -> DependencyGraphNode {
        if let activity = summary.services[name] {
            return DependencyGraphNode(service: name, spanCount: activity.spanCount,
                                       errorRate: rate(activity.errorCount, of: activity.spanCount),
                                       p50: activity.serverLatency.quantileMicros(0.5), p99: activity.serverLatency.quantileMicros(0.99),
                                       virtual: false)
        }
        var incoming = DependencyLink(parent: "", child: name)
        for link in summary.links.values where link.child == name {
            incoming.merge(link)
            incoming.childIsVirtual = incoming.childIsVirtual || link.childIsVirtual
        }
        return DependencyGraphNode(service: name, spanCount: 0, errorRate: rate(incoming.errorCount, of: incoming.callCount),
                                   p50: incoming.latency.quantileMicros(0.5), p99: incoming.latency.quantileMicros(0.99),
                                   virtual: incoming.childIsVirtual)
    }

    private static func rate(_ part: UInt64, of whole: UInt64) -> Double {
        whole == 0 ? 0 : Double(part) / Double(whole)
    }
}
