import Glibc
import TrellisAnalysis
import TrellisModel

/// `/dependencies?lookback=` (or `start=&end=`, Unix µs): the service graph of the write-time
/// dependency aggregates over the lookback (default 24h) as an SVG (services on a circle with their
/// spans, error rate and p99, each linking to a search for it; virtual peers as dashed boxes; calls as
/// arrows labelled with calls, errors and p99), and the edges as a table.
enum DependenciesPage {
    @Sendable static func render(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["lookback", "start", "end"])
        let lookback = try UIRoutes.lookback(p, default: "24h")
        let range = try p.microsecondRange(lookback: lookback.nanos)
        let graph = DependencyGraph(summary: try await call.reader.dependencies(from: range.start, to: range.end))
        guard !graph.nodes.isEmpty else { return UIPage.render(title: "Dependencies", body: "<p class=\"muted\">No calls between services in the last \(UIPage.escape(lookback.text)).</p>") }
        let e = UIPage.escape
        let size = 520.0, radius = 200.0
        var position: [String: (x: Double, y: Double)] = [:]
        for (i, node) in graph.nodes.enumerated() {
            let angle = Double(i) / Double(graph.nodes.count) * 2 * Double.pi - Double.pi / 2
            position[node.service] = (size / 2 + radius * cos(angle), size / 2 + radius * sin(angle))
        }
        let edges = graph.edges.compactMap { edge -> String? in
            guard let from = position[edge.parent], let to = position[edge.child] else { return nil }
            let label = "\(edge.callCount) calls" + (edge.errorCount > 0 ? ", \(edge.errorCount) errors" : "") + (edge.p99.map { ", p99 \(UIPage.duration(micros: $0))" } ?? "")
            return "<g class=\"edge\"><line x1=\"\(Int(from.x))\" y1=\"\(Int(from.y))\" x2=\"\(Int(to.x))\" y2=\"\(Int(to.y))\" stroke=\"\(edge.errorCount > 0 ? "#b00020" : "#888")\" marker-end=\"url(#arrow)\"/><text x=\"\(Int((from.x + to.x) / 2) + 4)\" y=\"\(Int((from.y + to.y) / 2))\">\(label)</text></g>"
        }.joined()
        let nodes = graph.nodes.map { node in
            let p = position[node.service]!
            let facts = "\(node.spanCount) spans, \(Int((node.errorRate * 100).rounded()))% errors" + (node.p99.map { ", p99 \(UIPage.duration(micros: $0))" } ?? "")
            let shape = node.virtual
                ? "<rect x=\"\(Int(p.x) - 22)\" y=\"\(Int(p.y) - 16)\" width=\"44\" height=\"32\" fill=\"none\" stroke=\"#888\" stroke-dasharray=\"4\"/>"
                : "<circle cx=\"\(Int(p.x))\" cy=\"\(Int(p.y))\" r=\"22\" fill=\"\(UIPage.color(of: node.service))\"/>"
            let search = node.virtual ? "" : " href=\"/search?service=\(PercentEncoding.query(node.service))\""
            return "<a class=\"node\(node.virtual ? " virtual" : "")\"\(search)>\(shape)<text x=\"\(Int(p.x) - 30)\" y=\"\(Int(p.y) + 36)\">\(e(node.service))</text><text class=\"muted\" x=\"\(Int(p.x) - 30)\" y=\"\(Int(p.y) + 50)\">\(facts)</text></a>"
        }.joined()
        let rows = graph.edges.map { "<tr><td>\(e($0.parent))</td><td>\(e($0.child))</td><td>\($0.callCount)</td><td>\($0.errorCount)</td></tr>" }.joined()
        let body = """
        <svg id="graph" width="\(Int(size))" height="\(Int(size))"><defs><marker id="arrow" viewBox="0 0 10 10" refX="30" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs>\(edges)\(nodes)</svg>
        <table id="edges"><tr><th>Caller</th><th>Called</th><th>Calls</th><th>Errors</th></tr>\(rows)</table>
        """
        return UIPage.render(title: "Dependencies", body: body)
    }
}
