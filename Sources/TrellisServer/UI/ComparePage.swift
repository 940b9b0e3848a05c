import TrellisAnalysis
import TrellisModel

/// `/trace/{a}...{b}`: two traces side by side: their summaries, then the span count of each
/// service and operation in each, with the differences marked.
enum ComparePage {
    static func render(_ call: QueryCall, _ a: String, _ b: String) async throws -> [UInt8] {
        let left = try await TracePage.stored(call, a)
        let right = try await TracePage.stored(call, b)
        guard let leftSummary = TraceSummary(trace: left), let rightSummary = TraceSummary(trace: right) else {
            throw QueryError.notFound("a trace has no spans")
        }
        func counts(_ trace: TraceBatch) -> [String: Int] {
            var out: [String: Int] = [:]
            for (resource, _, span) in trace.flattened { out["\(resource.serviceName) · \(span.name)", default: 0] += 1 }
            return out
        }
        let (l, r) = (counts(left), counts(right))
        let e = UIPage.escape
        let rows = Set(l.keys).union(r.keys).sorted().map { key in
            let (x, y) = (l[key] ?? 0, r[key] ?? 0)
            return "<tr class=\"\(x == y ? "same" : "differs")\"><td>\(e(key))</td><td>\(x)</td><td>\(y)</td><td>\(x == y ? "" : (y > x ? "+" : "") + String(y - x))</td></tr>"
        }.joined()
        func column(_ s: TraceSummary) -> String {
            "<a href=\"/trace/\(s.traceID.hex)\">\(e(s.rootServiceName)): \(e(s.rootOperationName))</a><br>\(s.spanCount) spans, \(UIPage.duration(micros: s.durationNanos / 1000))"
        }
        let body = """
        <table id="compare"><tr><th>Service · operation</th><th>\(column(leftSummary))</th><th>\(column(rightSummary))</th><th>Difference</th></tr>\(rows)</table>
        """
        return UIPage.render(title: "Compare traces", body: body)
    }
}
