import TrellisModel

/// Signs that two services' clocks disagree, read from parent/child pairs on different services.
///
/// A child on another service than its parent is skewed when it starts before its parent
/// starts, or when it is a SERVER span answering a CLIENT parent and ends after that parent
/// ends: a synchronous call cannot be answered after the caller has stopped waiting. Other
/// children may outlive their parent (asynchronous work), so only the start is checked for them.
/// Differences under a microsecond are not reported.
enum ClockSkew {
    /// One warning per skewed boundary, in display order.
    static func warnings(in tree: TraceTree) -> [String] {
        var warnings: [String] = []
        for placement in tree.displayOrder {
            let child = tree.nodes[placement.node]
            guard let parentIndex = child.parent else { continue }
            let parent = tree.nodes[parentIndex]
            guard child.service != parent.service else { continue }
            if child.start < parent.start {
                warnings.append("clock skew: span \(describe(child)) starts \(parent.start - child.start) µs before its parent \(describe(parent))")
            }
            if parent.span.kind == .client, child.span.kind == .server, child.end > parent.end {
                warnings.append("clock skew: server span \(describe(child)) ends \(child.end - parent.end) µs after its client parent \(describe(parent))")
            }
        }
        return warnings
    }

    private static func describe(_ node: TraceTree.Node) -> String {
        "\(node.span.spanID.hex) (\(node.service))"
    }
}
