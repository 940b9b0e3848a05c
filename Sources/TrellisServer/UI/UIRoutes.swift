import TrellisModel

/// The web UI on the query port: server-rendered HTML pages at the Jaeger UI's paths, reading
/// only through the query API's store and analysis code (`TraceSearch`, `TraceSummary`,
/// `Timeline`, `DependencyGraph`). No scripts, no assets fetched from anywhere.
///
/// - `GET /` and `GET /search?service=&operation=&tags=&lookback=&minDuration=&maxDuration=&limit=&sort=`
/// - `GET /trace/{traceID}`, and `GET /trace/{a}...{b}` to compare two traces
/// - `GET /dependencies?lookback=`
/// - `GET /endpoint?service=&operation=&lookback=`: where the time goes for an endpoint
/// - `GET`/`POST /login` when `query.auth` is set (`UILogin`)
public enum UIRoutes {
    public static let routes: [QueryRoute] = [
        .page("/", SearchPage.render),
        .page("/search", SearchPage.render),
        .page("/trace/{traceID}", TracePage.render),
        .page("/dependencies", DependenciesPage.render),
        .page("/endpoint", EndpointPage.render),
    ]

    /// True for the UI's paths.
    static func owns(_ path: Substring) -> Bool {
        path == "/" || path == "/search" || path == "/dependencies" || path == "/endpoint" || path == "/login" || path.hasPrefix("/trace/")
    }

    /// A lookback such as `1h`, `30m`, `2d` or `7d`, in nanoseconds: a Go duration, or whole days.
    static func lookback(_ text: String) -> UInt64? {
        if text.hasSuffix("d"), let days = UInt64(text.dropLast()), days > 0, days <= 366 { return days * 86_400_000_000_000 }
        return DurationText.nanoseconds(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
