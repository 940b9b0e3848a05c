import TrellisAnalysis
import TrellisModel
import TrellisStorage

/// `/search`: the search form (with JavaScript, choosing a service reloads it with that service's
/// operations; without, the operations come with the first search), a duration-over-time scatter
/// plot whose dots link to their traces, and the list of matching traces (root service and
/// operation, span and error counts, duration, services with span counts, start), sorted as
/// asked, with boxes to tick two traces to compare. It reads the Jaeger UI's search URLs too:
/// `tags` as its JSON object (`{"error":"true"}`) as well as the tag box's `key=value` text,
/// `lookback=custom` with `start`/`end` (Unix µs there; the form's date fields send UTC dates), and `traceID` (repeated) to list those traces.
enum SearchPage {
    static let sorts = [("recent", "Most recent"), ("longest", "Longest first"), ("shortest", "Shortest first"), ("spans", "Most spans")]

    @Sendable static func render(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["service", "operation", "tags", "lookback", "minDuration", "maxDuration", "limit", "sort", "start", "end", "traceID"])
        let services = try await call.reader.services()
        let service = try p.single("service")
        let operations = try await UIRoutes.operationNames(call, service: service)
        let sort = try p.single("sort") ?? "recent"
        guard sorts.contains(where: { $0.0 == sort }) else { throw QueryParameterError.notOneOf(parameter: "sort", value: sort, allowed: sorts.map(\.0)) }
        let range = try UIRange(p, defaultLookback: "1h")
        var body = form(call, services: services, operations: operations, service: service, range: range, sort: sort)
        let traceIDs = p.all("traceID")
        if !traceIDs.isEmpty {
            var found: [TraceBatch] = []
            for text in traceIDs {
                if let trace = try await call.reader.trace(try TraceID(parameter: "traceID", text)) { found.append(trace) }
            }
            body += results(found.compactMap(TraceSummary.init(trace:)), sort: sort)
        } else if let service {
            var query = TraceQuery(service: service, operation: try p.single("operation"), limit: try call.limit("limit"))
            (query.start, query.end) = (range.start, range.end)
            query.minDuration = try p.duration("minDuration")
            query.maxDuration = try p.duration("maxDuration")
            try QueryParameters.checkRange(query.minDuration, query.maxDuration, names: ("minDuration", "maxDuration"))
            let tags = try p.single("tags").map { text throws(QueryParameterError) in
                text.first == "{" ? try TraceSearch.tags(json: text, parameter: "tags") : try TraceSearch.tags(logfmt: text, parameter: "tags")
            } ?? []
            let found = try await TraceSearch(query: query, tags: tags).run(on: call.reader, candidateLimit: call.configuration.maxLimit)
            if let operation = query.operation {
                body += "<p><a id=\"endpoint\" href=\"/endpoint?service=\(PercentEncoding.query(service))&amp;operation=\(PercentEncoding.query(operation))&amp;\(range.linkQuery)\">Where the time goes for \(UIPage.escape(operation))</a></p>"
            }
            body += results(found.compactMap(TraceSummary.init(trace:)), sort: sort)
        }
        return UIPage.render(title: "Search", body: body)
    }

    private static func form(_ call: QueryCall, services: [String], operations: [String], service: String?, range: UIRange, sort: String) -> String {
        let e = UIPage.escape
        func value(_ name: String) -> String { e((try? call.parameters.single(name)) ?? nil ?? "") }
        let serviceOptions = services.map { UIPage.option($0, selected: $0 == service) }.joined()
        let operation = (try? call.parameters.single("operation")) ?? nil
        let operationOptions = "<option value=\"\">all</option>" + operations.map { UIPage.option($0, selected: $0 == operation) }.joined()
        let sortOptions = sorts.map { UIPage.option($0.0, label: $0.1, selected: $0.0 == sort) }.joined()
        return """
        <form class="search" method="get" action="/search">
        <label>Service<select name="service" onchange="this.form.operation.value='';this.form.submit()">\(service == nil ? "<option value=\"\"></option>" : "")\(serviceOptions)</select></label>
        <label>Operation<select name="operation">\(operationOptions)</select></label>
        <label>Tags<input name="tags" placeholder="http.status_code=500 error=true" value="\(value("tags"))" size="28"></label>
        \(range.formFields)
        <label>Min duration<input name="minDuration" placeholder="100ms" value="\(value("minDuration"))" size="7"></label>
        <label>Max duration<input name="maxDuration" placeholder="5s" value="\(value("maxDuration"))" size="7"></label>
        <label>Limit<input name="limit" value="\(value("limit").isEmpty ? "20" : value("limit"))" size="4"></label>
        <label>Sort<select name="sort">\(sortOptions)</select></label>
        <button type="submit">Find traces</button>
        </form>
        """
    }

    private static func results(_ summaries: [TraceSummary], sort: String) -> String {
        guard !summaries.isEmpty else { return "<p class=\"muted\" id=\"no-results\">No traces found.</p>" }
        let sorted: [TraceSummary] = switch sort {
        case "longest": summaries.sorted { $0.durationNanos > $1.durationNanos }
        case "shortest": summaries.sorted { $0.durationNanos < $1.durationNanos }
        case "spans": summaries.sorted { $0.spanCount > $1.spanCount }
        default: summaries.sorted { $0.minStartTimeUnixNano > $1.minStartTimeUnixNano }
        }
        let e = UIPage.escape
        let rows = sorted.map { s in
            let services = s.services.map { UIPage.chip($0.name) + "\(e($0.name)) (\($0.spanCount))" }.joined(separator: " ")
            return """
            <tr class="trace"><td><input type="checkbox" name="trace" value="\(s.traceID.hex)" aria-label="compare \(s.traceID.hex)"></td><td><a href="/trace/\(s.traceID.hex)">\(e(s.rootServiceName)): \(e(s.rootOperationName))</a><div class="muted">\(s.traceID.hex)</div></td>
            <td>\(s.spanCount) spans\(s.errorSpanCount > 0 ? " <span class=\"err\">\(s.errorSpanCount) errors</span>" : "")</td>
            <td>\(UIPage.duration(micros: s.durationNanos / 1000))</td><td>\(services)</td><td>\(RFC3339.string(unixNanos: s.minStartTimeUnixNano))</td></tr>
            """
        }.joined()
        return scatter(summaries) + """
            <form method="get" action="/compare" id="compare-form"><p>\(summaries.count) traces <button type="submit">Compare the two ticked</button></p>
            <table id="results"><tr><th></th><th>Trace</th><th>Spans</th><th>Duration</th><th>Services</th><th>Start</th></tr>\(rows)</table></form>
            """
    }

    /// Duration over start time, one linked dot per trace (red when it has errors).
    private static func scatter(_ summaries: [TraceSummary]) -> String {
        let width = 900.0, height = 160.0, pad = 30.0
        let starts = summaries.map(\.minStartTimeUnixNano)
        let first = Double(starts.min()!), span = max(1, Double(starts.max()!) - first)
        let longest = max(1, Double(summaries.map(\.durationNanos).max()!))
        let dots = summaries.map { s in
            let x = pad + (Double(s.minStartTimeUnixNano) - first) / span * (width - 2 * pad)
            let y = height - pad - Double(s.durationNanos) / longest * (height - 2 * pad)
            return "<a href=\"/trace/\(s.traceID.hex)\"><circle cx=\"\(Int(x))\" cy=\"\(Int(y))\" r=\"5\" fill=\"\(s.errorSpanCount > 0 ? "#b00020" : "#3366cc")\"><title>\(UIPage.escape(s.rootOperationName)) \(UIPage.duration(micros: s.durationNanos / 1000))</title></circle></a>"
        }.joined()
        return """
        <svg id="scatter" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" class="fit" role="img" aria-label="trace duration over time">
        <line x1="\(Int(pad))" y1="\(Int(height - pad))" x2="\(Int(width - pad))" y2="\(Int(height - pad))" stroke="#999"/>
        <line x1="\(Int(pad))" y1="\(Int(pad))" x2="\(Int(pad))" y2="\(Int(height - pad))" stroke="#999"/>
        <text x="\(Int(pad) + 4)" y="\(Int(pad) - 6)">\(UIPage.duration(micros: UInt64(longest) / 1000))</text>\(dots)</svg>
        """
    }
}

extension TraceSummary {
    /// From the earliest start to the latest end, nanoseconds.
    var durationNanos: UInt64 { maxEndTimeUnixNano - minStartTimeUnixNano }
}
