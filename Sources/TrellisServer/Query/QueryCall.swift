import TrellisStorage

/// What a route handler gets: the request, its path and query parameters, the store and the settings.
public struct QueryCall: Sendable {
    public let request: HTTPRequest
    public let pathParameters: [String: String]
    public let parameters: QueryParameters
    public let reader: any TraceReader
    /// Where the Monitor API and `/monitor` read span metrics; nil when nothing keeps them.
    public let spanMetrics: (any SpanMetricsReader)?
    public let configuration: QueryConfiguration

    public init(request: HTTPRequest, pathParameters: [String: String], reader: any TraceReader, configuration: QueryConfiguration,
                spanMetrics: (any SpanMetricsReader)? = nil) {
        self.spanMetrics = spanMetrics ?? (reader as? any SpanMetricsReader)
        self.request = request
        self.pathParameters = pathParameters
        parameters = QueryParameters(request)
        self.reader = reader
        self.configuration = configuration
    }

    /// A path parameter of the route's pattern (the router only matches non-empty values).
    public func path(_ name: String) -> String {
        pathParameters[name] ?? ""
    }

    /// The search limit from a parameter of `parameters` (the call's own by default):
    /// `fallback` (`defaultLimit` unless given) when absent, at most `maxLimit`.
    public func limit(_ name: String, in parameters: QueryParameters? = nil, default fallback: Int? = nil) throws(QueryParameterError) -> Int {
        min(try (parameters ?? self.parameters).positiveInteger(name) ?? fallback ?? configuration.defaultLimit, configuration.maxLimit)
    }
}
