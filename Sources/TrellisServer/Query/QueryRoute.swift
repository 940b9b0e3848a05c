import NIOHTTP1

/// One route of the query API: a method, a path pattern whose `{name}` segments capture path
/// parameters, and its handler. A handler returns the body of a 200 answer (JSON, or HTML for
/// the web UI's pages, as `contentType` says) or throws (`QueryError`, `QueryParameterError`, `StorageError`).
public struct QueryRoute: Sendable {
    public typealias Handler = @Sendable (QueryCall) async throws -> [UInt8]

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public let method: HTTPMethod
    /// The pattern as written, such as `/api/traces/{traceID}`.
    public let pattern: String
    public let handler: Handler
    /// The `Content-Type` of the handler's answers.
    public let contentType: String
    private let segments: [Segment]

    public init(_ method: HTTPMethod, _ pattern: String, contentType: String = "application/json", _ handler: @escaping Handler) {
        self.method = method
        self.pattern = pattern
        self.handler = handler
        self.contentType = contentType
        segments = pattern.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }

    /// A `GET` route answering JSON.
    public static func get(_ pattern: String, _ handler: @escaping Handler) -> QueryRoute {
        QueryRoute(.GET, pattern, handler)
    }

    /// A `GET` route answering an HTML page (the web UI).
    public static func page(_ pattern: String, _ handler: @escaping Handler) -> QueryRoute {
        QueryRoute(.GET, pattern, contentType: "text/html; charset=utf-8", handler)
    }

    /// The path parameters when the path fits the pattern (segments percent-decoded); nil otherwise.
    func match(_ path: Substring) -> [String: String]? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if parts.count == 1 && parts.first == "" { parts = [] }  // "/" has no segments
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard part == text else { return nil }
            case .parameter(let name):
                let value = PercentDecoding.decode(part, plusIsSpace: false)
                guard !value.isEmpty else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }

    /// True when a literal segment of this route is more specific than a parameter of `other`
    /// at the first place they differ, so `/api/traces/search` wins over `/api/traces/{id}`.
    func isMoreSpecific(than other: QueryRoute) -> Bool {
        for (a, b) in zip(segments, other.segments) where a != b {
            if case .literal = a, case .parameter = b { return true }
            return false
        }
        return false
    }
}
