import TrellisModel

/// Reads stored traces back, as Jaeger v2's `tracestore.Reader`.
public protocol TraceReader: Sendable {
    /// Every stored span of the trace, grouped under its resources and scopes; nil when none is stored.
    func trace(_ id: TraceID) async throws -> TraceBatch?

    /// The traces with a span matching the query, newest first: ordered by the start time of each
    /// trace's latest matching span (ties by trace ID, higher first), at most `query.limit` of
    /// them, each with every span the reader holds of it, decoded once.
    /// Throws `StorageError` when the query is invalid (see `TraceQuery.validate()`).
    func findTraces(_ query: TraceQuery) async throws -> [FoundTrace]

    /// The names of the services with stored spans, sorted.
    func services() async throws -> [String]

    /// The operations (span names with their kinds) of a service, sorted by name then kind.
    func operations(service: String) async throws -> [Operation]

    /// The service-to-service calls and the per-service figures of the spans that started in
    /// `startUnixNano...endUnixNano`, aggregated at write time per one-minute bucket: the range is
    /// widened to whole minutes. Throws `StorageError.invertedTimeRange` when start is after end.
    func dependencies(from startUnixNano: UInt64, to endUnixNano: UInt64) async throws -> DependencySummary
}
