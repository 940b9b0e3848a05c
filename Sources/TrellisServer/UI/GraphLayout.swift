/// A left-to-right layered layout of a directed graph, for the dependencies page.
///
/// A node's column is the length of the longest chain of calls reaching it from a node nobody
/// calls; edges that close a cycle are left out of that count, so every graph gets a layout. They
/// are found by a depth-first search from the uncalled nodes in name order, then from the others,
/// those that call more than they are called first (so of two services calling each other, the
/// one that mostly calls sits left). Within a column, nodes are
/// ordered by the mean row of their callers in earlier columns (one barycentre pass), then by name.
struct GraphLayout: Equatable {
    /// Column from 0 (left) for each node.
    var column: [String: Int]
    /// Row from 0 (top) within its column for each node.
    var row: [String: Int]
    /// The edges left out of the columns, as `[parent, child]`: they point back or sideways.
    var cycleEdges: Set<[String]>

    /// How many columns and the most rows any column has.
    var size: (columns: Int, rows: Int) {
        var perColumn: [Int: Int] = [:]
        for c in column.values { perColumn[c, default: 0] += 1 }
        return ((column.values.max() ?? -1) + 1, perColumn.values.max() ?? 0)
    }

    /// `weight` is an edge's call count.
    init(nodes: [String], edges: [(parent: String, child: String, weight: UInt64)]) {
        let names = Set(nodes).union(edges.flatMap { [$0.parent, $0.child] }).sorted()
        var callees: [String: [String]] = [:], called: Set<String> = [], net: [String: Int64] = [:]
        for edge in edges where edge.parent != edge.child {
            callees[edge.parent, default: []].append(edge.child)
            called.insert(edge.child)
            net[edge.parent, default: 0] += Int64(clamping: edge.weight)
            net[edge.child, default: 0] -= Int64(clamping: edge.weight)
        }
        for key in callees.keys { callees[key]!.sort() }

        // Depth-first from the uncalled nodes first; an edge to a node still on the stack closes a cycle.
        var state: [String: Bool] = [:]  // false: on the stack; true: done
        var order: [String] = []  // reverse post-order: a topological order of the acyclic part
        var cycleEdges: Set<[String]> = []
        let starts = names.filter { !called.contains($0) } + names.filter { called.contains($0) }.sorted { net[$0, default: 0] > net[$1, default: 0] }
        for start in starts where state[start] == nil {
            var stack: [(node: String, next: Int)] = [(start, 0)]
            state[start] = false
            while let top = stack.last {
                let children = callees[top.node] ?? []
                if top.next < children.count {
                    stack[stack.count - 1].next += 1
                    let child = children[top.next]
                    switch state[child] {
                    case nil:
                        state[child] = false
                        stack.append((child, 0))
                    case false?:
                        cycleEdges.insert([top.node, child])
                    case true?:
                        break
                    }
                } else {
                    state[top.node] = true
                    order.append(top.node)
                    stack.removeLast()
                }
            }
        }
        var column: [String: Int] = [:]
        for node in order.reversed() {
            let c = column[node, default: 0]
            column[node] = c
            for child in callees[node] ?? [] where !cycleEdges.contains([node, child]) {
                column[child] = max(column[child, default: 0], c + 1)
            }
        }

        var callers: [String: [String]] = [:]
        for (parent, children) in callees { for child in children { callers[child, default: []].append(parent) } }
        var row: [String: Int] = [:]
        for c in 0...max(0, column.values.max() ?? 0) {
            let members = names.filter { column[$0] == c }
            func barycentre(_ node: String) -> Double {
                let rows = (callers[node] ?? []).compactMap { column[$0]! < c ? row[$0] : nil }
                return rows.isEmpty ? Double.infinity : Double(rows.reduce(0, +)) / Double(rows.count)
            }
            let placed = members.map { ($0, barycentre($0)) }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            for (i, entry) in placed.enumerated() { row[entry.0] = i }
        }
        self.column = column
        self.row = row
        self.cycleEdges = cycleEdges
    }
}
