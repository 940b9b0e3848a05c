import TrellisAnalysis

/// A trace's other views beside the timeline, from the same `Timeline`.
enum TraceViews {
    /// Per service and operation: span count, total, average, min and max duration, and total self time.
    static func statistics(_ t: Timeline) -> String {
        var groups: [String: (service: String, name: String, durations: [UInt64], selfTime: UInt64)] = [:]
        for span in t.spans {
            let key = span.service + "\u{0}" + span.name
            groups[key, default: (span.service, span.name, [], 0)].durations.append(span.duration)
            groups[key]!.selfTime += span.selfTime
        }
        let e = UIPage.escape
        let d = UIPage.duration
        let rows = groups.values.sorted { ($0.service, $0.name) < ($1.service, $1.name) }.map { g in
            let total = g.durations.reduce(0, +)
            return "<tr><td>\(e(g.service))</td><td>\(e(g.name))</td><td>\(g.durations.count)</td><td>\(d(total))</td><td>\(d(total / UInt64(g.durations.count)))</td><td>\(d(g.durations.min()!))</td><td>\(d(g.durations.max()!))</td><td>\(d(g.selfTime))</td></tr>"
        }.joined()
        return "<table id=\"statistics\"><tr><th>Service</th><th>Operation</th><th>Count</th><th>Total</th><th>Average</th><th>Min</th><th>Max</th><th>Self time</th></tr>\(rows)</table>"
    }

    /// Spans as an icicle: one band per depth, each span as wide as its share of the trace.
    static func flameGraph(_ t: Timeline) -> String {
        let width = 1200.0, band = 20.0, total = Double(max(t.duration, 1))
        let depth = (t.spans.map(\.depth).max() ?? 0) + 1
        let rects = t.spans.map { span in
            let x = Double(span.offset) / total * width, w = max(1, Double(span.duration) / total * width)
            return "<g><rect x=\"\(Int(x))\" y=\"\(span.depth * Int(band))\" width=\"\(Int(w))\" height=\"\(Int(band) - 1)\" fill=\"\(UIPage.color(of: span.service))\"><title>\(UIPage.escape(span.service)) \(UIPage.escape(span.name)) \(UIPage.duration(micros: span.duration))</title></rect>"
                + (w > 60 ? "<text x=\"\(Int(x) + 3)\" y=\"\(span.depth * Int(band) + 14)\" fill=\"#fff\">\(UIPage.escape(span.name))</text>" : "") + "</g>"
        }.joined()
        return "<svg id=\"flamegraph\" width=\"100%\" viewBox=\"0 0 \(Int(width)) \(depth * Int(band))\" preserveAspectRatio=\"none\">\(rects)</svg>"
    }

    /// Every span as a row, in display order.
    static func table(_ t: Timeline) -> String {
        let e = UIPage.escape
        let rows = t.spans.map { span in
            "<tr><td>\(span.spanID)</td><td>\(e(span.service))</td><td>\(String(repeating: "· ", count: span.depth))\(e(span.name))</td><td>\(e(span.kind))</td><td>+\(UIPage.duration(micros: span.offset))</td><td>\(UIPage.duration(micros: span.duration))</td><td>\(UIPage.duration(micros: span.selfTime))</td><td>\(span.statusCode == "error" ? "<span class=\"err\">error</span>" : e(span.statusCode))</td></tr>"
        }.joined()
        return "<table id=\"span-table\"><tr><th>Span</th><th>Service</th><th>Operation</th><th>Kind</th><th>Start</th><th>Duration</th><th>Self</th><th>Status</th></tr>\(rows)</table>"
    }
}
