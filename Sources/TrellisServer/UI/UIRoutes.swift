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

    /// The names of `service`'s operations (any kind), sorted, for a form's select; none without a service.
    static func operationNames(_ call: QueryCall, service: String?) async throws -> [String] {
        guard let service else { return [] }
        return Array(Set(try await call.reader.operations(service: service).map(\.name))).sorted()
    }
}
