import TrellisModel

/// The web UI on the query port: server-rendered HTML pages at the Jaeger UI's paths, reading
/// only through the query API's store and analysis code (`TraceSearch`, `TraceSummary`,
/// `Timeline`, `DependencyGraph`, `SpanMetricsQuery`). Nothing fetched from anywhere; the only
/// script (`UIScript`) adds zoom and keys to the trace page.
///
/// - `GET /` and `GET /search?service=&operation=&tags=&lookback=&minDuration=&maxDuration=&limit=&sort=`
/// - `GET /trace/{traceID}`, and `GET /trace/{a}...{b}` to compare two traces
/// - `GET /dependencies?lookback=`
/// - `GET /endpoint?service=&operation=&lookback=`: where the time goes for an endpoint
/// - `GET /monitor?service=&lookback=`: a service's request rate, error rate and latency (`MonitorPage`)
/// - `GET`/`POST /login` when `query.auth` is set (`UILogin`)
public enum UIRoutes {
    public static let routes: [QueryRoute] = [
        .page("/", SearchPage.render),
        .page("/search", SearchPage.render),
        .page("/trace/{traceID}", TracePage.render),
        .page("/dependencies", DependenciesPage.render),
        .page("/endpoint", EndpointPage.render),
        .page("/monitor", MonitorPage.render),
    ]

    /// True for the UI's paths.
    static func owns(_ path: Substring) -> Bool {
        path == "/" || path == "/search" || path == "/dependencies" || path == "/endpoint" || path == "/monitor" || path == "/login" || path.hasPrefix("/trace/")
    }

    /// The lookbacks the search form offers.
    static let lookbacks = ["5m", "15m", "30m", "1h", "2h", "3h", "6h", "12h", "24h", "2d", "7d"]

    /// The `lookback` parameter (`fallback` when absent) as written and in nanoseconds: a Go
    /// duration such as `30m`, or whole days such as `2d`.
    static func lookback(_ p: QueryParameters, default fallback: String) throws(QueryParameterError) -> (text: String, nanos: UInt64) {
        let text = try p.single("lookback") ?? fallback
        if text.hasSuffix("d"), let days = UInt64(text.dropLast()), days > 0, days <= 366 { return (text, days * 86_400_000_000_000) }
        guard let nanos = DurationText.nanoseconds(text), nanos > 0 else {
            throw .notOneOf(parameter: "lookback", value: text, allowed: lookbacks)
        }
        return (text, nanos)
    }
}
