import TrellisModel

/// A trace's spans in display order with their timing, ready for a waterfall view. Served by
/// `GET /api/traces/{id}/timeline`.
///
/// Spans come depth-first from each root (roots, and the children of each span, ordered by
/// start, then span ID). A span whose parent is missing from the trace is shown as a root, as
/// is one caught in a parent cycle (cycles are cut at their earliest span, placed after the
/// other roots); each gets a warning. When a span ID occurs twice, the first span is kept.
///
/// All times are whole microseconds: a span starts at its start time truncated to microseconds
/// and lasts its duration truncated to microseconds, as Jaeger reports them (a span whose clock
/// went backwards lasts zero).
public struct Timeline: Encodable, Sendable, Hashable {
    /// The trace, 32 lowercase hex digits (of the first span, should the spans disagree).
    public var traceID: String
    /// The earliest span start, Unix microseconds.
    public var start: UInt64
    /// From `start` to the latest span end, microseconds.
    public var duration: UInt64
    /// The number of spans shown.
    public var spanCount: Int
    /// The number of spans whose status is `error`.
    public var errorCount: Int
    /// Each service with its number of spans, sorted by service name.
    public var services: [ServiceSpanCount]
    /// The spans in display order.
    public var spans: [TimelineSpan]
    /// Human-readable notes on the trace's shape: missing parents, parent cycles, repeated span
    /// IDs, several trace IDs, and clock skew between a parent and a child on different services
    /// (a child starting before its parent, or a SERVER child ending after its CLIENT parent).
    /// Each names the span IDs and services involved.
    public var warnings: [String]

    public init(traceID: String, start: UInt64, duration: UInt64, spanCount: Int, errorCount: Int,
                services: [ServiceSpanCount], spans: [TimelineSpan], warnings: [String]) {
        self.traceID = traceID
        self.start = start
        self.duration = duration
        self.spanCount = spanCount
        self.errorCount = errorCount
        self.services = services
        self.spans = spans
        self.warnings = warnings
    }

    /// The timeline of the spans of `trace` (one trace); nil when it holds no span.
    public init?(trace: TraceBatch) {
        guard let tree = TraceTree(trace) else { return nil }
        let onPath = Set(CriticalPathWalk(tree).sections.map(\.node))
        let start = tree.nodes.map(\.start).min()!
        var spanCounts: [String: Int] = [:]
        for node in tree.nodes { spanCounts[node.service, default: 0] += 1 }
        self.init(
            traceID: tree.traceID.hex,
            start: start,
            duration: tree.nodes.map(\.end).max()! - start,
            spanCount: tree.nodes.count,
            errorCount: tree.nodes.filter { $0.span.status.code == .error }.count,
            services: spanCounts.map { ServiceSpanCount(service: $0.key, spanCount: $0.value) }.sorted { $0.service < $1.service },
            spans: tree.displayOrder.map { placement in
                let node = tree.nodes[placement.node]
                return TimelineSpan(
                    spanID: node.span.spanID.hex,
                    parentSpanID: node.parent.map { tree.nodes[$0].span.spanID.hex },
                    depth: placement.depth,
                    offset: node.start - start,
                    duration: node.duration,
                    selfTime: tree.selfTime(of: placement.node),
                    service: node.service,
                    name: node.span.name,
                    kind: node.span.kind.apiName,
                    statusCode: node.span.status.code.apiName,
                    statusMessage: node.span.status.message,
                    onCriticalPath: onPath.contains(placement.node)
                )
            },
            warnings: tree.warnings + ClockSkew.warnings(in: tree)
        )
    }
}
