import TrellisAnalysis
import TrellisModel
import TrellisStorage

/// `/monitor?service=&lookback=`: a choice of the services with traces or span metrics in the
/// lookback, then a service's RED figures from the span metrics the spanmetrics
/// connector keeps (SERVER spans, counted before sampling), through the same `SpanMetricsQuery` as
/// the Monitor API: request rate, error rate and p50/p95/p99 latency over the lookback (default
/// 1h) as small SVG charts of 60 points, then each operation's figures over the whole lookback,
/// each linking to a search for it (the spans the connector kept past its cap on keys are one
/// last row, "Other operations", with no link).
enum MonitorPage {
    @Sendable static func render(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["service", "lookback"])
        let lookbackText = try p.single("lookback") ?? "1h"
        let lookback = (text: lookbackText, nanos: try UIRange.nanoseconds(lookback: lookbackText))
        guard let reader = call.spanMetrics else { throw QueryError.noSpanMetrics }
        let end = call.configuration.now()
        let start = end - min(end, lookback.nanos)
        // Those of the kept traces and those with span metrics (tail sampling may have dropped every trace of one).
        let services = Set(try await call.reader.services() + reader.spanMetricsServices(from: start, to: end)).sorted()
        let service = try p.single("service")
        let e = UIPage.escape
        let options = services.map { UIPage.option($0, selected: $0 == service) }.joined()
        let lookbacks = UIRange.options(current: lookback.text, offered: UIRange.lookbacks)
        var body = """
        <form class="search" method="get" action="/monitor"><label>Service<select name="service">\(service == nil ? "<option value=\"\"></option>" : "")\(options)</select></label>
        <label>Lookback<select name="lookback">\(lookbacks)</select></label><button type="submit">Show</button></form>
        """
        guard let service else { return UIPage.render(title: "Monitor", body: body + "<p class=\"muted\">Choose a service.</p>") }

        let step = max(SpanMetricsKey.bucketNanos, lookback.nanos / 60)
        let overTime = SpanMetricsQuery(services: [service], spanKinds: [.server], groupByOperation: false, end: end, lookback: lookback.nanos, step: step, ratePer: step)
        let whole = SpanMetricsQuery(services: [service], spanKinds: [.server], groupByOperation: true, end: end, lookback: 0, step: lookback.nanos, ratePer: lookback.nanos)
        let range = whole.readRange
        let counts = try await reader.spanMetrics(service: service, from: range.start, to: range.end)
        let stamp = { (nanos: UInt64) in String(nanos) }
        func series(_ family: MetricFamily) -> [(UInt64, Double)] {
            (family.metrics.first?.metricPoints ?? []).map { (UInt64($0.timestamp) ?? 0, $0.gaugeValue.doubleValue) }
        }
        let latency = [0.5, 0.95, 0.99].map { q in ("p\(Int(q * 100))", series(overTime.family(.latencies(quantile: q), counts: counts, timestamp: stamp))) }
        let percent = { (value: Double) in "\(Int((value * 100).rounded()))%" }
        body += "<div class=\"charts\">"
            + chart("Requests per second", [("rate", series(overTime.family(.calls, counts: counts, timestamp: stamp)))], from: start, to: end, step: overTime.step, format: { String(format3: $0) })
            + chart("Error rate", [("errors", series(overTime.family(.errors, counts: counts, timestamp: stamp)))], from: start, to: end, step: overTime.step, format: percent)
            + chart("Latency (ms)", latency, from: start, to: end, step: overTime.step, format: { String(format3: $0) })
            + "</div>"

        func byOperation(_ statistic: SpanMetricsQuery.Statistic) -> [String: Double] {
            var out: [String: Double] = [:]
            for metric in whole.family(statistic, counts: counts, timestamp: stamp).metrics {
                if let operation = metric.labels.first(where: { $0.name == "operation" })?.value, let point = metric.metricPoints.last {
                    out[operation] = point.gaugeValue.doubleValue
                }
            }
            return out
        }
        let rates = byOperation(.calls), errors = byOperation(.errors)
        let quantiles = [0.5, 0.95, 0.99].map { byOperation(.latencies(quantile: $0)) }
        let overflow = SpanMetricsKey.overflowOperation
        // The operations by name, then the spans past the connector's key cap: no operation to search for.
        let rows = (rates.keys.filter { $0 != overflow }.sorted() + rates.keys.filter { $0 == overflow }).map { operation in
            let cells = [String(format3: rates[operation] ?? 0), errors[operation].map(percent) ?? "—"]
                + quantiles.map { $0[operation].map { String(format3: $0) } ?? "—" }
            let search = "/search?service=\(PercentEncoding.query(service))&amp;operation=\(PercentEncoding.query(operation))&amp;lookback=\(PercentEncoding.query(lookback.text))"
            let name = operation == overflow
                ? "<td class=\"muted\" id=\"overflow\">Other operations <small>(past the spanmetrics connector's dimensions_cache_size in a flush)</small></td>"
                : "<td><a href=\"\(search)\">\(e(operation))</a></td>"
            return "<tr>\(name)" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>"
        }.joined()
        body += rows.isEmpty
            ? "<p class=\"muted\" id=\"no-metrics\">No SERVER spans of \(e(service)) counted in the last \(e(lookback.text)).</p>"
            : "<table id=\"operations\"><tr><th>Operation</th><th>Requests/s</th><th>Errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr>\(rows)</table>"
        return UIPage.render(title: "Monitor: \(service)", body: body)
    }

    /// A 300×100 chart of each series over `from...to` (Unix ns), its largest value labelled. The
    /// points `step` apart make one line; a gap (no calls there, so no error rate or latency) is
    /// left open, and a point with no neighbour is a dot, so every point with data shows.
    private static func chart(_ title: String, _ series: [(String, [(UInt64, Double)])], from: UInt64, to: UInt64, step: UInt64,
                              format: (Double) -> String) -> String {
        let width = 300.0, height = 100.0, span = Double(max(1, to - from))
        let top = max(series.flatMap { $0.1.map(\.1) }.max() ?? 0, 1e-9)
        let shades = ["#3366cc", "#dd8800", "#b00020"]
        let lines = series.enumerated().map { i, entry in
            var runs: [[(UInt64, Double)]] = []
            for point in entry.1 {
                if let last = runs.last?.last, point.0 - last.0 == step { runs[runs.count - 1].append(point) } else { runs.append([point]) }
            }
            return runs.map { run in
                let xy = run.map { t, v in (x: Double(t - min(t, from)) / span * width, y: height - v / top * (height - 10)) }
                guard xy.count > 1 else {
                    // Kept inside the frame, so a dot at either edge shows whole.
                    let x = Int(min(max(xy[0].x, 3), width - 3)), y = Int(min(max(xy[0].y, 3), height - 3))
                    return "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"2.5\" fill=\"\(shades[i % shades.count])\"><title>\(entry.0) \(format(run[0].1))</title></circle>"
                }
                let points = xy.map { "\(Int($0.x)),\(Int($0.y))" }.joined(separator: " ")
                return "<polyline fill=\"none\" stroke=\"\(shades[i % shades.count])\" stroke-width=\"1.5\" points=\"\(points)\"><title>\(entry.0)</title></polyline>"
            }.joined()
        }.joined()
        let legend = series.count > 1 ? " " + series.enumerated().map { i, entry in "<span style=\"color:\(shades[i % shades.count])\">\(entry.0)</span>" }.joined(separator: " ") : ""
        return """
        <figure><figcaption>\(title)\(legend) <small>max \(format(top))</small></figcaption><svg width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" class="fit chart">\(lines)</svg></figure>
        """
    }
}
