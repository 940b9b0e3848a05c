import TrellisModel

/// The critical path of a trace: the chain of spans the trace was waiting on from the start of
/// each root span to its end, as the Jaeger UI computes it. Served by
/// `GET /api/traces/{id}/critical-path`.
///
/// Each root span (roots ordered by start, then span ID) contributes its own path; a span whose
/// parent is missing from the trace counts as a root. Times are whole microseconds: spans start
/// at their start time truncated to microseconds and last their duration truncated to
/// microseconds, as Jaeger reports them. See `Timeline` for how the trace's structure is read.
public struct CriticalPath: Encodable, Sendable, Hashable {
    /// The trace, 32 lowercase hex digits.
    public var traceID: String
    /// The path, grouped by root span in root order, each root's sections in time order
    /// (earliest first). Sections are never empty, and two consecutive sections of one root
    /// always belong to different spans.
    public var sections: [CriticalPathSection]
    /// Every span on the path once, with its total time on it: longest first, ties by span ID.
    public var spans: [CriticalPathSpan]

    public init(traceID: String, sections: [CriticalPathSection], spans: [CriticalPathSpan]) {
        self.traceID = traceID
        self.sections = sections
        self.spans = spans
    }

    /// The critical path of the spans of `trace` (one trace); nil when it holds no span.
    public init?(trace: TraceBatch) {
        guard let tree = TraceTree(trace) else { return nil }
        let walk = CriticalPathWalk(tree)
        var timeOnPath: [Int: UInt64] = [:]
        for section in walk.sections { timeOnPath[section.node, default: 0] += section.end - section.start }
        self.init(
            traceID: tree.traceID.hex,
            sections: walk.sections.map {
                CriticalPathSection(spanID: tree.nodes[$0.node].span.spanID.hex, start: $0.start, end: $0.end)
            },
            spans: timeOnPath.map { node, time in
                let span = tree.nodes[node].span
                return CriticalPathSpan(spanID: span.spanID.hex, service: tree.nodes[node].service, name: span.name, selfTimeOnPath: time)
            }.sorted { ($1.selfTimeOnPath, $0.spanID) < ($0.selfTimeOnPath, $1.spanID) }
        )
    }
}
