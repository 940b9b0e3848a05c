import TrellisAnalysis
import TrellisModel

/// `/endpoint?service=&operation=&lookback=&minDuration=&maxDuration=` (or `start=&end=`, µs): a
/// form for the endpoint, the range and the endpoint span's duration, then where the time goes for the endpoint (`EndpointBreakdown`): each operation on
/// the critical paths under its spans with its median and p95 share of the latency, drawn as bars,
/// and links to the slowest traces.
enum EndpointPage {
    @Sendable static func render(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["service", "operation", "lookback", "start", "end", "limit", "minDuration", "maxDuration"])
        let range = try UIRange(p, defaultLookback: "1h")
        let services = try await call.reader.services()
        let service = try p.single("service"), operation = try p.single("operation")
        let operations = try await UIRoutes.operationNames(call, service: service)
        let form = """
        <form class="search" method="get" action="/endpoint">
        <label>Service<select name="service" onchange="this.form.operation.value='';this.form.submit()">\(service == nil ? "<option value=\"\"></option>" : "")\(services.map { UIPage.option($0, selected: $0 == service) }.joined())</select></label>
        <label>Operation<select name="operation"><option value=""></option>\(operations.map { UIPage.option($0, selected: $0 == operation) }.joined())</select></label>
        \(range.formFields)
        <label>Min duration<input name="minDuration" placeholder="1s" value="\(UIPage.escape(try p.single("minDuration") ?? ""))" size="7"></label>
        <label>Max duration<input name="maxDuration" placeholder="5s" value="\(UIPage.escape(try p.single("maxDuration") ?? ""))" size="7"></label><button type="submit">Show</button></form>
        """
        guard let service, let operation else {
            return UIPage.render(title: "Where the time goes", body: form + "<p class=\"muted\">Choose a service and one of its operations.</p>")
        }
        let breakdown = try await AnalysisRoutes.breakdown(call, service: service, operation: operation, range: (range.start, range.end))
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
        let body = form + (breakdown.traces == 0 ? "<p class=\"muted\" id=\"no-results\">No traces of this endpoint in \(e(range.phrase)).</p>" : """
        <p>The critical paths under \(e(service)) <b>\(e(operation))</b> in \(breakdown.traces) traces: which operations the endpoint waits on, and their share of its latency.</p>
        <table id="breakdown"><tr><th>Operation on the critical path</th><th>Traces</th><th>Median share</th><th>p95 share</th><th></th></tr>\(rows)</table>
        <h2>Slowest traces</h2><ul id="slowest">\(examples)</ul>
        """)
        return UIPage.render(title: "Where the time goes: \(service) \(operation)", body: body)
    }
}
