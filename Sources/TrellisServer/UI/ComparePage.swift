import NIOHTTP1
import TrellisAnalysis
import TrellisModel

/// `/trace/{a}...{b}`: two traces as a structural diff of their service/operation trees. Each node
/// is a path of `service · operation` from a root; a node is only in A, only in B, or in both, and
/// then marked when its span count or average duration differs (by more than a fifth).
enum ComparePage {
    /// One node of a trace's service/operation tree: how many spans sit at that path and their durations.
    struct Node {
        var depth: Int
        var label: String
        var count = 0
        var totalDuration: UInt64 = 0
        var average: UInt64 { count == 0 ? 0 : totalDuration / UInt64(count) }
    }

    static func render(_ call: QueryCall, _ a: String, _ b: String) async throws -> [UInt8] {
        guard let left = Timeline(trace: try await TracePage.stored(call, a)), let right = Timeline(trace: try await TracePage.stored(call, b)) else {
            throw QueryError.notFound("a trace has no spans")
        }
        let (l, r) = (tree(left), tree(right))
        let e = UIPage.escape
        let rows = Set(l.keys).union(r.keys).sorted().map { key -> String in
            let (x, y) = (l[key], r[key])
            let node = x ?? y!
            let state: String
            switch (x, y) {
            case (nil, _): state = "only-b"
            case (_, nil): state = "only-a"
            case let (x?, y?):
                let slower = max(x.average, y.average), faster = max(1, min(x.average, y.average))
                state = x.count != y.count || Double(slower) / Double(faster) > 1.2 ? "changed" : "same"
            }
            func cell(_ n: Node?) -> String { n.map { "\($0.count) × \(UIPage.duration(micros: $0.average))" } ?? "—" }
            return "<tr class=\"\(state)\"><td style=\"padding-left:\(node.depth + 1)em\">\(e(node.label))</td><td>\(cell(x))</td><td>\(cell(y))</td><td>\(state.replacingOccurrences(of: "-", with: " "))</td></tr>"
        }.joined()
        func heading(_ t: Timeline, _ id: String) -> String { "<a href=\"/trace/\(id)\">\(id.prefix(8))…</a> \(t.spanCount) spans, \(UIPage.duration(micros: t.duration))" }
        let body = """
        <style>tr.only-a{background:#fde0e0}tr.only-b{background:#dff5df}tr.changed{background:#fff4ce}tr.only-a,tr.only-b,tr.changed{color:#222}tr.only-a a,tr.only-b a,tr.changed a{color:#0645ad}</style>
        <table id="compare"><tr><th>Service · operation</th><th>A: \(heading(left, left.traceID))</th><th>B: \(heading(right, right.traceID))</th><th></th></tr>\(rows)</table>
        """
        return UIPage.render(title: "Compare traces", body: body)
    }

    /// `GET /compare?trace={a}&trace={b}`, what the search list's boxes send: 303 to
    /// `/trace/{a}...{b}`. Anything but two trace IDs is a 400 page naming the problem.
    static func redirect(_ request: HTTPRequest) -> HTTPResponse {
        do throws(QueryParameterError) {
            let p = QueryParameters(request)
            try p.reject(allowing: ["trace"])
            let ids = p.all("trace")
            guard ids.count == 2 else { throw .wrongCount(parameter: "trace", expected: 2, given: ids.count) }
            let (a, b) = (try TraceID(parameter: "trace", ids[0]), try TraceID(parameter: "trace", ids[1]))
            return HTTPResponse(status: .seeOther, headers: [("Location", "/trace/\(a.hex)...\(b.hex)"), ("Content-Length", "0")])
        } catch {
            return QueryAPI.response(for: error, style: .html, request: request)
        }
    }

    /// The trace's service/operation tree, keyed by the path from the root.
    static func tree(_ t: Timeline) -> [String: Node] {
        var paths: [String: String] = [:]
        var nodes: [String: Node] = [:]
        for span in t.spans {  // display order: a parent comes before its children
            let label = "\(span.service) · \(span.name)"
            let path = (span.parentSpanID.flatMap { paths[$0] }.map { $0 + " > " } ?? "") + label
            paths[span.spanID] = path
            nodes[path, default: Node(depth: span.depth, label: label)].count += 1
            nodes[path]!.totalDuration += span.duration
        }
        return nodes
    }
}
