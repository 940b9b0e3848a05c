import TrellisModel

/// The web UI on the query port: server-rendered HTML pages at the Jaeger UI's paths, reading
/// only through the query API's store and analysis code (`TraceSearch`, `TraceSummary`,
/// `Timeline`, `DependencyGraph`, `SpanMetricsQuery`). Nothing fetched from anywhere; the only
/// script (`UIScript`) adds zoom and keys to the trace page.
///
/// - `GET /` and `GET /search?service=&operation=&tags=&lookback=&minDuration=&maxDuration=&limit=&sort=`
/// - `GET /trace/{traceID}`, and `GET /trace/{a}...{b}` to compare two traces (`GET /compare?trace=&trace=`,
///   what the search list's boxes send, redirects there)
/// - `GET /trace/{traceID}/otlp.json`: the trace as OTLP/JSON, for download
/// - `GET /dependencies?lookback=`
/// - `GET /endpoint?service=&operation=&lookback=`: where the time goes for an endpoint
/// - `GET /monitor?service=&lookback=`: a service's request rate, error rate and latency (`MonitorPage`)
/// - `GET`/`POST /login` when `query.auth` is set (`UILogin`)
public enum UIRoutes {
    public static let routes: [QueryRoute] = [
        .page("/", SearchPage.render),
        .page("/search", SearchPage.render),
        .page("/trace/{traceID}", TracePage.render),
        QueryRoute(.GET, "/trace/{traceID}/otlp.json", TracePage.otlpJSON),
        .page("/dependencies", DependenciesPage.render),
        .page("/endpoint", EndpointPage.render),
        .page("/monitor", MonitorPage.render),
    ]

    /// True for the UI's paths.
    static func owns(_ path: Substring) -> Bool {
        path == "/" || path == "/search" || path == "/dependencies" || path == "/endpoint" || path == "/monitor" || path == "/login" || path == "/compare" || path.hasPrefix("/trace/")
    }

    /// A page's `start` and `end` in Unix ns, each written as Unix µs (the Jaeger UI's URLs) or as
    /// a UTC date and time, what the forms' date fields send (`2026-11-30T09:00`, seconds
    /// optional): `end` defaults to now, `start` to `lookback` before `end`.
    static func range(_ p: QueryParameters, lookback: UInt64) throws(QueryParameterError) -> (start: UInt64, end: UInt64) {
        func time(_ name: String) throws(QueryParameterError) -> UInt64? {
            guard let text = try p.single(name) else { return nil }
            if text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                return try p.epochTime(name, unitNanos: 1_000, unitName: "microseconds")
            }
            let utc = text.utf8.count == 16 ? text + ":00Z" : text.utf8.count == 19 ? text + "Z" : text
            guard let nanos = RFC3339.unixNanos(utc) else {
                throw .malformedTime(parameter: name, value: text, expected: "Unix microseconds or a UTC date and time such as 2026-11-30T09:00")
            }
            return nanos
        }
        let end = try time("end") ?? WallClock.nowNanos()
        let start = try time("start") ?? end - min(end, lookback)
        try QueryParameters.checkRange(start, end, names: ("start", "end"))
        return (start, end)
    }

    /// A date field's value for `nanos`: the UTC date and time to the second (`2026-11-30T09:00:05`).
    static func dateField(_ nanos: UInt64) -> String {
        String(RFC3339.string(unixNanos: nanos).prefix(19))
    }

    /// The names of `service`'s operations (any kind), sorted, for a form's select; none without a service.
    static func operationNames(_ call: QueryCall, service: String?) async throws -> [String] {
        guard let service else { return [] }
        return Array(Set(try await call.reader.operations(service: service).map(\.name))).sorted()
    }

    /// The lookbacks the search form offers.
    static let lookbacks = ["5m", "15m", "30m", "1h", "2h", "3h", "6h", "12h", "24h", "2d", "7d"]

    /// `<option>`s for a lookback select: the offered lookbacks (and `custom` when the form has a
    /// start and an end), and `current` selected (added when it is not among them, so a form
    /// shows what its URL asked for).
    static func lookbackOptions(current: String, custom: Bool = false) -> String {
        let offered = lookbacks + (custom ? ["custom"] : [])
        return (offered.contains(current) ? offered : offered + [current]).map { UIPage.option($0, selected: $0 == current) }.joined()
    }

    /// The `lookback` parameter (`fallback` when absent) as written and in nanoseconds: a Go
    /// duration such as `30m`, whole days such as `2d`, or the Jaeger UI's `custom`, which takes
    /// the range from `start` (required) and `end` (default now), as `range` reads them.
    static func lookback(_ p: QueryParameters, default fallback: String) throws(QueryParameterError) -> (text: String, nanos: UInt64) {
        let text = try p.single("lookback") ?? fallback
        if text == "custom" {
            guard try p.single("start") != nil else { throw .missing("start") }
            let range = try range(p, lookback: 0)
            return (text, range.end - range.start)
        }
        if text.hasSuffix("d"), let days = UInt64(text.dropLast()), days > 0, days <= 366 { return (text, days * 86_400_000_000_000) }
        guard let nanos = DurationText.nanoseconds(text), nanos > 0 else {
            throw .notOneOf(parameter: "lookback", value: text, allowed: lookbacks)
        }
        return (text, nanos)
    }
}
