import TrellisModel

/// The critical path of a trace tree: for every moment of each root span, the span the trace was
/// waiting on. It follows the Jaeger UI's method.
///
/// Children are first fitted into their parents, from the roots down: a child wholly outside
/// its (fitted) parent is dropped with its subtree, a child overflowing it is clamped to it, and
/// a CONSUMER child of a PRODUCER span is dropped with its subtree (the consumer runs on its own
/// time, not the producer's). Then, from a span, its last-finishing child is taken: the span owns
/// the time from that child's end to its own end (or to the bound set by a later sibling), and
/// the walk continues inside the child. Back in the span, only children ending strictly before
/// that child's start remain eligible, with the bound moved to that start. A span with no
/// eligible child left owns the time from its start to the bound. Zero-length sections are
/// skipped, and consecutive sections of one span are joined.
struct CriticalPathWalk {
    /// A stretch of time during which one span is what the trace waits for; microseconds.
    struct Section: Equatable {
        var node: Int
        var start: UInt64
        var end: UInt64
    }

    /// Each root's sections in time order; roots in the tree's order (by start).
    private(set) var sections: [Section] = []

    private let tree: TraceTree
    /// Each node's interval after fitting; nil for dropped nodes.
    private var fitted: [(start: UInt64, end: UInt64)?]
    /// Each node's kept children, latest end first (ties: earlier start, then lower span ID).
    private var candidates: [[Int]]
    /// Per node, how many of its candidates are already used or no longer eligible.
    private var used: [Int]

    init(_ tree: TraceTree) {
        self.tree = tree
        fitted = Array(repeating: nil, count: tree.nodes.count)
        candidates = Array(repeating: [], count: tree.nodes.count)
        used = Array(repeating: 0, count: tree.nodes.count)
        fitChildren()
        for root in tree.roots { sections += walk(from: root) }
    }

    private mutating func fitChildren() {
        for placement in tree.displayOrder {
            let node = tree.nodes[placement.node]
            guard let parentIndex = node.parent else {
                fitted[placement.node] = (node.start, node.end)
                continue
            }
            let parentKind = tree.nodes[parentIndex].span.kind
            guard let bounds = fitted[parentIndex], !(parentKind == .producer && node.span.kind == .consumer),
                  node.end > bounds.start, node.start < bounds.end else { continue }
            fitted[placement.node] = (max(node.start, bounds.start), min(node.end, bounds.end))
            candidates[parentIndex].append(placement.node)
        }
        for index in candidates.indices {
            candidates[index].sort { a, b in
                let (x, y) = (fitted[a]!, fitted[b]!)
                return (y.end, x.start, tree.nodes[a].span.spanID) < (x.end, y.start, tree.nodes[b].span.spanID)
            }
        }
    }

    /// The sections of one root's tree, in time order.
    private mutating func walk(from root: Int) -> [Section] {
        var backwards: [Section] = []
        var node = root
        var bound: UInt64?
        while true {
            let interval = fitted[node]!
            let end = bound ?? interval.end
            if let child = nextChild(of: node, endingBefore: bound) {
                Self.prepend(Section(node: node, start: fitted[child]!.end, end: end), to: &backwards)
                node = child
                bound = nil
            } else {
                Self.prepend(Section(node: node, start: interval.start, end: end), to: &backwards)
                guard let parent = tree.nodes[node].parent else { break }
                bound = interval.start
                node = parent
            }
        }
        return backwards.reversed()
    }

    /// The latest-ending unused child of `node` that ends strictly before `bound` (any, without one).
    private mutating func nextChild(of node: Int, endingBefore bound: UInt64?) -> Int? {
        let list = candidates[node]
        var next = used[node]
        if let bound {
            while next < list.count, fitted[list[next]]!.end >= bound { next += 1 }
        }
        guard next < list.count else {
            used[node] = next
            return nil
        }
        used[node] = next + 1
        return list[next]
    }

    /// Adds a section that precedes every section in `backwards` (kept latest first).
    private static func prepend(_ section: Section, to backwards: inout [Section]) {
        guard section.start < section.end else { return }
        if let last = backwards.last, last.node == section.node, last.start == section.end {
            backwards[backwards.count - 1].start = section.start
        } else {
            backwards.append(section)
        }
    }
}
