import TrellisModel

/// The spans of one trace arranged as a forest, with times in microseconds: the common input
/// of the timeline and the critical path.
///
/// A span's start is its start time truncated to microseconds and its duration is its duration
/// truncated to microseconds, as Jaeger reports them; its end is start plus duration (a span
/// whose clock went backwards lasts zero). Spans whose parent is not in the trace, and spans
/// caught in a parent cycle, become roots, with a warning each. When a span ID occurs more than
/// once the first span is kept.
struct TraceTree {
    /// One span of the tree.
    struct Node {
        var span: Span
        var service: String
        var start: UInt64
        var end: UInt64
        /// The index of the parent node; nil for a root.
        var parent: Int?
        /// Child node indices, ordered by start, then span ID.
        var children: [Int] = []

        var duration: UInt64 { end - start }
    }

    /// A node in display order with its depth (0 for roots).
    struct Placement {
        var node: Int
        var depth: Int
    }

    private(set) var nodes: [Node] = []
    /// Root node indices, ordered by start, then span ID.
    private(set) var roots: [Int] = []
    /// Every node once, depth-first from each root, children in order.
    private(set) var displayOrder: [Placement] = []
    /// What was wrong with the trace's structure, in the order found.
    private(set) var warnings: [String] = []

    /// Arranges the spans of `trace`; nil when it holds none.
    init?(_ trace: TraceBatch) {
        var indexByID: [SpanID: Int] = [:]
        var traceIDs: Set<TraceID> = []
        for (resource, _, span) in trace.flattened {
            traceIDs.insert(span.traceID)
            guard indexByID[span.spanID] == nil else {
                warnings.append("span \(span.spanID.hex) occurs more than once; the first one is shown")
                continue
            }
            indexByID[span.spanID] = nodes.count
            let start = span.startTimeUnixNano / 1_000
            nodes.append(Node(span: span, service: resource.serviceName, start: start, end: start + span.durationNanos / 1_000))
        }
        guard !nodes.isEmpty else { return nil }
        if traceIDs.count > 1 {
            warnings.append("the spans belong to \(traceIDs.count) trace IDs; they are shown as one trace")
        }
        link(indexByID)
        place()
    }

    /// The trace ID of the first span.
    var traceID: TraceID { nodes[0].span.traceID }

    /// Sets parents and children; a span whose parent is absent becomes a root.
    private mutating func link(_ indexByID: [SpanID: Int]) {
        for index in nodes.indices {
            let span = nodes[index].span
            guard span.parentSpanID.isValid else { continue }
            switch indexByID[span.parentSpanID] {
            case nil:
                warnings.append("span \(span.spanID.hex) (\(nodes[index].service)) has parent \(span.parentSpanID.hex), which is not in the trace; it is shown as a root")
            case index:
                warnings.append("span \(span.spanID.hex) (\(nodes[index].service)) is its own parent; it is shown as a root")
            case let parent?:
                nodes[index].parent = parent
                nodes[parent].children.append(index)
            }
        }
        // Sort with the keys copied out: a comparator reading `self` while `nodes` is mutated would
        // copy the whole array for every node (quadratic: 4 s for a 10,000-span trace).
        let keys = nodes.map { (start: $0.start, spanID: $0.span.spanID) }
        for index in nodes.indices where nodes[index].children.count > 1 {
            nodes[index].children.sort { (keys[$0].start, keys[$0].spanID) < (keys[$1].start, keys[$1].spanID) }
        }
        roots = nodes.indices.filter { nodes[$0].parent == nil }.sorted(by: startsEarlier)
    }

    /// Fills `displayOrder`; spans unreachable from any root are in parent cycles, which are
    /// cut at their earliest span until every span is placed.
    private mutating func place() {
        var placed = [Bool](repeating: false, count: nodes.count)
        for root in roots { placeSubtree(of: root, placed: &placed) }
        while displayOrder.count < nodes.count {
            let cut = nodes.indices.filter { !placed[$0] }.min(by: startsEarlier)!
            let parent = nodes[cut].parent!
            nodes[parent].children.removeAll { $0 == cut }
            nodes[cut].parent = nil
            roots.append(cut)
            warnings.append("span \(nodes[cut].span.spanID.hex) (\(nodes[cut].service)) is part of a parent cycle; it is shown as a root")
            placeSubtree(of: cut, placed: &placed)
        }
    }

    private mutating func placeSubtree(of root: Int, placed: inout [Bool]) {
        var stack = [Placement(node: root, depth: 0)]
        while let next = stack.popLast() {
            placed[next.node] = true
            displayOrder.append(next)
            for child in nodes[next.node].children.reversed() {
                stack.append(Placement(node: child, depth: next.depth + 1))
            }
        }
    }

    /// Orders nodes by start, then span ID.
    private func startsEarlier(_ a: Int, _ b: Int) -> Bool {
        (nodes[a].start, nodes[a].span.spanID) < (nodes[b].start, nodes[b].span.spanID)
    }
}
