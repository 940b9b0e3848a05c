extension TraceTree {
    /// The time of a node not covered by any of its children, microseconds: its duration minus
    /// the length of the union of its children's intervals, each clipped to the node.
    func selfTime(of index: Int) -> UInt64 {
        let node = nodes[index]
        var covered: UInt64 = 0
        var coveredUpTo = node.start
        for child in node.children.map({ nodes[$0] }) {
            let start = max(child.start, coveredUpTo)
            let end = min(child.end, node.end)
            guard start < end else { continue }
            covered += end - start
            coveredUpTo = end
        }
        return node.duration - covered
    }
}
