import TrellisAnalysis
import TrellisCodec
import TrellisModel
import TrellisStorage

/// `/trace/{traceID}`: the header (name, start, duration, services, depth, span count, warnings
/// such as clock skew), a minimap, time ticks, and the waterfall: a collapsible span tree with
/// service colours, error markers, the critical path outlined on the bars (and its rows marked
/// `data-critical="true"`) and each span's self time; each span's detail (attributes, resource,
/// scope, events relative to the trace start, links, status, kind, warnings) folds open under it.
/// A short script adds zoom and keys (`UIScript.timeline`). `find=` (or the Jaeger UI's `uiFind=`)
/// marks the spans whose service, name or attributes contain the text (or hold `key=value`) and
/// unfolds the rows above them. `view=statistics`, `view=flamegraph` and `view=table` show the
/// trace's other views (`TraceViews`); `/trace/{traceID}/otlp.json` is the trace as OTLP/JSON.
/// `/trace/{a}...{b}` compares two traces (the Jaeger UI's `cohort=` parameters are taken and not needed).
enum TracePage {
    static let views = ["timeline", "statistics", "flamegraph", "table"]

    @Sendable static func render(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: ["view", "find", "uiFind", "cohort"])
        let path = call.path("traceID")
        if let range = path.range(of: "...") {
            return try await ComparePage.render(call, String(path[..<range.lowerBound]), String(path[range.upperBound...]))
        }
        let view = try call.parameters.single("view") ?? "timeline"
        guard views.contains(view) else { throw QueryParameterError.notOneOf(parameter: "view", value: view, allowed: views) }
        let trace = try await stored(call, path)
        guard let timeline = Timeline(trace: trace), let summary = TraceSummary(trace: trace) else {
            throw QueryError.notFound("the trace has no spans")
        }
        let find = try call.parameters.single("find") ?? call.parameters.single("uiFind")
        let content: String = switch view {
        case "statistics": TraceViews.statistics(timeline)
        case "flamegraph": TraceViews.flameGraph(timeline)
        case "table": TraceViews.table(timeline)
        default: waterfallView(timeline, trace: trace, find: find)
        }
        return UIPage.render(title: "\(summary.rootServiceName): \(summary.rootOperationName)", body: header(timeline, summary) + resources(trace) + tabs(timeline.traceID, view) + content)
    }

    private static func tabs(_ traceID: String, _ current: String) -> String {
        "<p class=\"tabs\">" + views.map { view in
            view == current ? "<b>\(view)</b>" : "<a href=\"/trace/\(traceID)\(view == "timeline" ? "" : "?view=" + view)\">\(view)</a>"
        }.joined(separator: " · ") + " · <a href=\"/trace/\(traceID)/otlp.json\" download=\"trace-\(traceID).json\">JSON</a></p>"
    }

    /// The find form, how many spans match, and the waterfall with the matches marked.
    private static func waterfallView(_ t: Timeline, trace: TraceBatch, find: String?) -> String {
        let matches = find.map { matching($0, in: trace) } ?? []
        let count = find == nil ? "" : " <span id=\"match-count\">\(matches.count) of \(t.spanCount) spans match</span>"
        return "<form method=\"get\" action=\"/trace/\(t.traceID)\"><label>Find <input name=\"find\" value=\"\(UIPage.escape(find ?? ""))\" placeholder=\"text or key=value\"></label> <button type=\"submit\">Find</button>\(count) <span class=\"muted\">keys: j/k row, Enter fold, d detail, / find, + − 0 zoom (or drag on the minimap)</span></form>"
            + waterfall(t, trace: trace, matches: matches)
    }

    /// The span IDs whose service, name or an attribute's key or value contains `text`, or that hold the attribute `key=value`.
    private static func matching(_ text: String, in trace: TraceBatch) -> Set<String> {
        let needle = text.lowercased()
        let pair = text.split(separator: "=", maxSplits: 1).map(String.init)
        var out: Set<String> = []
        for (resource, _, span) in trace.flattened {
            let attributes = span.attributes + resource.attributes
            let hit = pair.count == 2
                ? attributes.contains { $0.key == pair[0] && JaegerTags.text(of: $0.value) == pair[1] }
                : ([resource.serviceName, span.name] + attributes.flatMap { [$0.key, JaegerTags.text(of: $0.value)] }).contains { $0.lowercased().contains(needle) }
            if hit { out.insert(span.spanID.hex) }
        }
        return out
    }

    /// `/trace/{traceID}/otlp.json`: the trace as an OTLP/JSON `ExportTraceServiceRequest`, what
    /// the trace page's download link fetches.
    @Sendable static func otlpJSON(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: [])
        return OTLPJSONEncoder().encode(try await stored(call, call.path("traceID")))
    }

    static func stored(_ call: QueryCall, _ text: String) async throws -> TraceBatch {
        let id = try TraceID(parameter: "traceID", text)
        guard let trace = try await call.reader.trace(id) else { throw QueryError.notFound("trace \(id.hex) not found") }
        return trace
    }

    /// Each distinct resource of the trace once, folded (spans name theirs by number, `R1`, `R2`, …).
    private static func resources(_ trace: TraceBatch) -> String {
        let list = resourceNumbers(trace).sorted { $0.value < $1.value }.map { resource, number in
            "<li>R\(number) <b>\(UIPage.escape(resource.serviceName))</b> \(attributeTable(resource.attributes))</li>"
        }.joined()
        return "<details id=\"resources\"><summary>Resources</summary><ul>\(list)</ul></details>"
    }

    /// Resources numbered from 1 in order of first appearance.
    private static func resourceNumbers(_ trace: TraceBatch) -> [Resource: Int] {
        var numbers: [Resource: Int] = [:]
        for rs in trace.resourceSpans where numbers[rs.resource] == nil { numbers[rs.resource] = numbers.count + 1 }
        return numbers
    }

    static func attributeTable(_ attributes: [Attribute]) -> String {
        attributes.isEmpty ? "<span class=\"muted\">none</span>"
            : "<table>" + attributes.map { "<tr><td>\(UIPage.escape($0.key))<td>\(UIPage.escape(JaegerTags.text(of: $0.value)))" }.joined() + "</table>"
    }

    private static func header(_ t: Timeline, _ s: TraceSummary) -> String {
        let depth = (t.spans.map(\.depth).max() ?? 0) + 1
        let services = t.services.map { UIPage.chip($0.service) + "\(UIPage.escape($0.service)) (\($0.spanCount))" }.joined(separator: " ")
        let warnings = t.warnings.map { "<div class=\"warning\">\(UIPage.escape($0))</div>" }.joined()
        return """
        <table id="trace-header"><tr><th>Trace</th><td>\(t.traceID)</td><th>Start</th><td>\(RFC3339.string(unixNanos: t.start * 1000))</td>
        <th>Duration</th><td>\(UIPage.duration(micros: t.duration))</td></tr>
        <tr><th>Spans</th><td>\(t.spanCount)\(t.errorCount > 0 ? " <span class=\"err\">\(t.errorCount) errors</span>" : "")</td><th>Depth</th><td>\(depth)</td>
        <th>Services</th><td>\(services)</td></tr></table>\(warnings)
        <p><a id="otlp-json" href="/trace/\(t.traceID)/otlp.json" download="trace-\(t.traceID).json">OTLP/JSON</a> · <a href="/api/traces/\(t.traceID)">Jaeger JSON</a> · <a href="/api/traces/\(t.traceID)/critical-path">critical path</a></p>
        """
    }

    private static func waterfall(_ t: Timeline, trace: TraceBatch, matches: Set<String>) -> String {
        let total = Double(max(t.duration, 1))
        /// A share of the trace's duration in percent, to two decimals.
        func percent(_ micros: UInt64) -> Double { Double(Int(Double(micros) / total * 10_000)) / 100 }
        let numbers = resourceNumbers(trace)
        var details: [String: (resource: Int, scope: InstrumentationScope, span: Span)] = [:]
        for entry in trace.flattened where details[entry.span.spanID.hex] == nil {
            details[entry.span.spanID.hex] = (numbers[entry.resource] ?? 0, entry.scope, entry.span)
        }
        // Each service's colour is written once, as a class setting `--s` (rows, chips, bars and minimap marks use it).
        var colour: [String: Int] = [:]
        for service in t.services.map(\.service) { colour[service] = colour.count }
        let palette = "<style>" + t.services.map { ".c\(colour[$0.service]!){--s:\(UIPage.color(of: $0.service))}" }.joined() + "</style>"
        let minimap = t.spans.enumerated().map { i, span in
            "<rect class=\"c\(colour[span.service] ?? 0)\" x=\"\(percent(span.offset))%\" y=\"\(i * 40 / max(t.spans.count, 1))\" width=\"\(max(0.2, percent(span.duration)))%\" height=\"2\"/>"
        }.joined()
        let ticks = (0...4).map { "<span>\(UIPage.duration(micros: t.duration * UInt64($0) / 4))</span>" }.joined()

        func row(_ span: TimelineSpan, indent: Int) -> String {
            let e = UIPage.escape
            let error = span.statusCode == "error" ? "<span class=\"err\" title=\"error\">!</span> " : ""
            let bar = "<div class=\"bar\(span.onCriticalPath ? " critical" : "")\" style=\"--l:\(percent(span.offset));--d:\(percent(span.duration))\"></div>"
            let padding = indent > 0 ? " style=\"padding-left:\(Double(indent) * 0.9)em\"" : ""
            let label = "<div class=\"label\"\(padding)>\(error)<i class=\"chip\"></i>\(e(span.service)) <b>\(e(span.name))</b> <small>\(UIPage.duration(micros: span.duration)), self \(UIPage.duration(micros: span.selfTime))</small></div>"
            let detail = details[span.spanID].map { spanDetail($0, traceStart: t.start, kind: span.kind) } ?? ""
            return "<div class=\"row c\(colour[span.service] ?? 0)\(matches.contains(span.spanID) ? " match" : "")\" id=\"span-\(span.spanID)\"\(span.onCriticalPath ? " data-critical=\"true\"" : "")>\(label)<div class=\"track\">\(bar)</div></div>\(detail)"
        }
        // The tree, built in display order (depth-first) without recursion: a span with children opens a
        // `<details>` up to `maxNesting` levels (deeper spans are indented rows, as browsers cap nesting);
        // subtrees that start past the first `openRows` rows are collapsed, every span still on the page.
        // Rows above a match are open wherever they are.
        let maxNesting = 32, openRows = 200
        var unfolded: Set<String> = []
        let parents = matches.isEmpty ? [:] : Dictionary(t.spans.map { ($0.spanID, $0.parentSpanID) }, uniquingKeysWith: { first, _ in first })
        for match in matches {
            var next = parents[match] ?? nil
            while let parent = next, unfolded.insert(parent).inserted { next = parents[parent] ?? nil }
        }
        var html = "", nested: [Int] = []
        for (i, span) in t.spans.enumerated() {
            while let depth = nested.last, depth >= span.depth {
                html += "</div></details>"
                nested.removeLast()
            }
            let hasChildren = i + 1 < t.spans.count && t.spans[i + 1].depth > span.depth
            let inner = row(span, indent: max(0, span.depth - nested.count))
            if hasChildren && nested.count < maxNesting {
                html += "<details class=\"span\"\(i < openRows || unfolded.contains(span.spanID) ? " open" : "")><summary>\(inner)</summary><div class=\"children\">"
                nested.append(span.depth)
            } else {
                html += "<div class=\"leaf\">\(inner)</div>"
            }
        }
        html += String(repeating: "</div></details>", count: nested.count)
        return """
        \(palette)<svg id="minimap" width="100%" height="44" preserveAspectRatio="none">\(minimap)<rect id="zoom" x="0" y="0" width="100%" height="44"/></svg>
        <div class="ticks" id="ticks" data-duration="\(t.duration)">\(ticks)</div><div class="waterfall" id="waterfall">\(html)</div>
        <script>\(UIScript.timeline)</script>
        """
    }

    private static func spanDetail(_ entry: (resource: Int, scope: InstrumentationScope, span: Span), traceStart: UInt64, kind: String) -> String {
        let e = UIPage.escape
        let span = entry.span
        let table = attributeTable
        let events = span.events.map { event in
            let micros = event.timeUnixNano / 1000
            // An event before the trace's start (a skewed clock) is shown as a negative offset.
            let offset = micros >= traceStart ? "+" + UIPage.duration(micros: micros - traceStart) : "−" + UIPage.duration(micros: traceStart - micros)
            return "<li>\(offset) <b>\(e(event.name))</b> \(table(event.attributes))</li>"
        }.joined()
        let links = span.links.map { "<li><a href=\"/trace/\($0.traceID.hex)\">\($0.traceID.hex)</a> span \($0.spanID.hex)</li>" }.joined()
        let warnings = span.warnings.map { "<div class=\"warning\">\(e($0))</div>" }.joined()
        return """
        <details class="detail"><summary>details</summary>\(warnings)
        <p>Span \(span.spanID.hex) · kind \(e(kind.isEmpty ? "unspecified" : kind)) · status \(e(span.status.code == .error ? "error" : span.status.code == .ok ? "ok" : "unset"))\(span.status.message.isEmpty ? "" : ": " + e(span.status.message))</p>
        <h4>Attributes</h4>\(table(span.attributes.filter { $0.key != Span.warningsAttributeKey }))
        <p>resource R\(entry.resource) · scope \(e(entry.scope.name)) \(e(entry.scope.version))</p>
        \(events.isEmpty ? "" : "<h4>Events</h4><ul>\(events)</ul>")\(links.isEmpty ? "" : "<h4>Links</h4><ul>\(links)</ul>")
        </details>
        """
    }
}
