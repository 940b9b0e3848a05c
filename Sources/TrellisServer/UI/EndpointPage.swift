import TrellisAnalysis
import TrellisModel

/// `/endpoint?service=&operation=&lookback=` (or `start=&end=`, µs): where the time goes for an
/// endpoint: each operation on the critical paths of its traces with its median and p95 share of
/// the latency, drawn as bars, and links to the slowest traces.
enum EndpointPage {
    @Sendable static func render(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["service", "operation", "lookback", "start", "end", "limit"])
        let service = try p.required("service"), operation = try p.required("operation")
        let lookback = try UIRoutes.lookback(p, default: "1h")
        let breakdown = try await AnalysisRoutes.breakdown(call, service: service, operation: operation, range: try p.microsecondRange(lookback: lookback.nanos))
        let e = UIPage.escape
        func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
        let rows = breakdown.parts.map { part in
            """
            <tr class="part"><td>\(UIPage.chip(part.service))\(e(part.service)) <b>\(e(part.operation))</b></td>
            <td>\(part.traces) of \(breakdown.traces)</td><td>\(percent(part.shareP50))</td><td>\(percent(part.shareP95))</td>
            <td><svg width="200" height="12"><rect width="\(Int(part.shareP95 * 200))" height="12" fill="#ccd"/><rect width="\(Int(part.shareP50 * 200))" height="12" fill="\(UIPage.color(of: part.service))"/></svg></td></tr>
            """
        }.joined()
        let examples = breakdown.slowest.map { "<li><a href=\"/trace/\($0.traceID)\">\($0.traceID)</a> \(UIPage.duration(micros: $0.duration))</li>" }.joined()
        let body = breakdown.traces == 0 ? "<p class=\"muted\" id=\"no-results\">No traces of this endpoint in the last \(e(lookback.text)).</p>" : """
        <p>The critical paths of \(breakdown.traces) traces of \(e(service)) <b>\(e(operation))</b>: which operations the endpoint waits on, and their share of its latency.</p>
        <table id="breakdown"><tr><th>Operation on the critical path</th><th>Traces</th><th>Median share</th><th>p95 share</th><th></th></tr>\(rows)</table>
        <h2>Slowest traces</h2><ul id="slowest">\(examples)</ul>
        """
        return UIPage.render(title: "Where the time goes: \(service) \(operation)", body: body)
    }
}
