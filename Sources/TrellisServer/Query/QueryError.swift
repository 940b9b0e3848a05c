import NIOHTTP1

/// Why a query-API request was not answered with data. The API writes it as JSON in the
/// route's style (`QueryAPIStyle`) with `status` and `message`.
public enum QueryError: Error, Sendable {
    /// A parameter could not be used (400).
    case badParameter(QueryParameterError)
    /// The store refused the query's arguments (400).
    case badQuery(String)
    /// The requested item does not exist (404).
    case notFound(String)
    /// No route has this path (404).
    case noRoute(String)
    /// The path exists but not for this method (405).
    case methodNotAllowed(method: String, allowed: [String])
    /// The bearer token is missing or wrong (401).
    case unauthorized(String)
    /// The query ran past `query.timeout` (503).
    case timedOut(String)
    /// No store to read: the pipeline has no `trellis_store` exporter (503).
    case noStore
    /// The store keeps no span metrics (501, as Jaeger answers with its metrics store disabled).
    case noSpanMetrics
    /// Reading the store failed (500).
    case storage(String)

    public var status: HTTPResponseStatus {
        switch self {
        case .badParameter, .badQuery: return .badRequest
        case .notFound, .noRoute: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .unauthorized: return .unauthorized
        case .timedOut, .noStore: return .serviceUnavailable
        case .storage: return .internalServerError
        case .noSpanMetrics: return .notImplemented
        }
    }

    public var message: String {
        switch self {
        case .badParameter(let error): return error.description
        case .badQuery(let reason): return reason
        case .notFound(let what): return what
        case .noRoute(let path): return "no route for \(path)"
        case .methodNotAllowed(let method, let allowed): return "\(method) is not allowed here; use \(allowed.joined(separator: ", "))"
        case .unauthorized(let reason): return reason
        case .timedOut(let reason): return reason
        case .noStore: return "no trace store is configured: add the trellis_store exporter to the traces pipeline to query traces"
        case .storage(let reason): return "reading the trace store failed: \(reason)"
        case .noSpanMetrics: return "the trace store keeps no span metrics: the Monitor API reads what the spanmetrics connector stores in a trellis_store archive"
        }
    }

    /// Headers the status calls for: `Allow` on 405, `WWW-Authenticate` on 401, `Retry-After` on 503.
    var headers: [(String, String)] {
        switch self {
        case .methodNotAllowed(_, let allowed): return [("Allow", allowed.joined(separator: ", "))]
        case .unauthorized: return [("WWW-Authenticate", "Bearer realm=\"trellis\"")]
        case .timedOut, .noStore: return [("Retry-After", "1")]
        default: return []
        }
    }
}
