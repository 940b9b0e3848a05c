import TrellisAnalysis
import TrellisModel

/// `/dependencies?lookback=` (or `start=&end=`, Unix µs): a form for the lookback, then the
/// service graph of the write-time dependency aggregates over it (default 24h) as an SVG laid out
/// left to right by call depth (`GraphLayout`): services as circles with the calls they received
/// (their spans for services nobody calls), error rate and p99, each linking to a search for it
/// over the same lookback; virtual peers as dashed boxes; calls as curves labelled with calls,
/// errors and p99. The edges follow as a table.
enum DependenciesPage {
    @Sendable static func render(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["lookback", "start", "end"])
        let range = try UIRange(p, defaultLookback: "24h")
        let graph = DependencyGraph(summary: try await call.reader.dependencies(from: range.start, to: range.end))
        let form = "<form class=\"search\" method=\"get\" action=\"/dependencies\">\(range.formFields)<button type=\"submit\">Show</button></form>"
        guard !graph.nodes.isEmpty else { return UIPage.render(title: "Dependencies", body: form + "<p class=\"muted\">No calls between services in \(UIPage.escape(range.phrase)).</p>") }
        let e = UIPage.escape
        var callsIn: [String: UInt64] = [:]
        for edge in graph.edges { callsIn[edge.child, default: 0] += edge.callCount }
        let layout = GraphLayout(nodes: graph.nodes.map(\.service), edges: graph.edges.map { ($0.parent, $0.child, $0.callCount) })
        let (columns, rowCount) = layout.size
        let width = 260 * columns, height = 150 * rowCount + 10
        func position(_ service: String) -> (x: Int, y: Int) { (130 + 260 * layout.column[service]!, 40 + 150 * layout.row[service]!) }
        let edges = graph.edges.map { edge -> String in
            let from = position(edge.parent), to = position(edge.child)
            let label = "\(edge.callCount) calls" + (edge.errorCount > 0 ? ", \(edge.errorCount) errors" : "") + (edge.p99.map { ", p99 \(UIPage.duration(micros: $0))" } ?? "")
            // Forward calls run right between the circles; a call back (or sideways) loops under both nodes' captions.
            let path: String, labelAt: (x: Int, y: Int)
            if layout.column[edge.child]! > layout.column[edge.parent]! {
                let (x1, x2) = (from.x + 24, to.x - 30), bend = max(60, (x2 - x1) / 2)
                path = "M\(x1),\(from.y) C\(x1 + bend),\(from.y) \(x2 - bend),\(to.y) \(x2),\(to.y)"
                labelAt = ((x1 + x2) / 2, (from.y + to.y) / 2 - 6)
            } else {
                let depth = max(from.y, to.y) + 120
                path = "M\(from.x),\(from.y + 56) C\(from.x),\(depth) \(to.x),\(depth) \(to.x),\(to.y + 60)"
                labelAt = ((from.x + to.x) / 2, depth - 4)
            }
            return "<g class=\"edge\"><path d=\"\(path)\" fill=\"none\" stroke=\"\(edge.errorCount > 0 ? "#b00020" : "#888")\" marker-end=\"url(#arrow)\"/><text x=\"\(labelAt.x)\" y=\"\(labelAt.y)\" text-anchor=\"middle\">\(label)</text></g>"
        }.joined()
        let nodes = graph.nodes.map { node in
            let p = position(node.service)
            let received = callsIn[node.service].map { "\($0) calls" } ?? "\(node.spanCount) spans"
            let facts = (node.virtual ? "uninstrumented, " : "") + received + ", \(Int((node.errorRate * 100).rounded()))% errors"
                + (node.p99.map { ", p99 \(UIPage.duration(micros: $0))" } ?? "")
            let shape = node.virtual
                ? "<rect x=\"\(p.x - 24)\" y=\"\(p.y - 16)\" width=\"48\" height=\"32\" fill=\"none\" stroke=\"#888\" stroke-dasharray=\"4\"/>"
                : "<circle cx=\"\(p.x)\" cy=\"\(p.y)\" r=\"22\" fill=\"\(UIPage.color(of: node.service))\"/>"
            let search = node.virtual ? "" : " href=\"/search?service=\(PercentEncoding.query(node.service))&amp;\(range.linkQuery)\""
            return "<a class=\"node\(node.virtual ? " virtual" : "")\"\(search)>\(shape)<text x=\"\(p.x)\" y=\"\(p.y + 36)\" text-anchor=\"middle\">\(e(node.service))</text><text class=\"muted\" x=\"\(p.x)\" y=\"\(p.y + 50)\" text-anchor=\"middle\">\(facts)</text></a>"
        }.joined()
        let rows = graph.edges.map { "<tr><td>\(e($0.parent))</td><td>\(e($0.child))</td><td>\($0.callCount)</td><td>\($0.errorCount)</td></tr>" }.joined()
        let body = form + """
        <svg id="graph" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" class="fit"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs>\(edges)\(nodes)</svg>
        <table id="edges"><tr><th>Caller</th><th>Called</th><th>Calls</th><th>Errors</th></tr>\(rows)</table>
        """
        return UIPage.render(title: "Dependencies", body: body)
    }
}
