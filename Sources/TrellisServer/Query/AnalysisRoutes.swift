import Foundation
import TrellisAnalysis
import TrellisModel
import TrellisStorage

/// Trellis's own answers under `/api`: a trace's timeline and critical path (computed by
/// `TrellisAnalysis` from the stored trace) and the dependency graph over a time range (from
/// the store's write-time dependency aggregates). Each answers the analysis value as a plain
/// JSON object; times are microseconds.
public enum AnalysisRoutes {
    public static let routes: [QueryRoute] = [
        .get("/api/traces/{traceID}/timeline", timeline),
        .get("/api/traces/{traceID}/critical-path", criticalPath),
        .get("/api/dependencies/graph", graph),
        .get("/api/endpoints/critical-path", endpointBreakdown),
    ]

    /// The range a dependency query covers when it names none: the last 24 hours.
    static let defaultLookbackNanos: UInt64 = 24 * 3_600 * 1_000_000_000

    @Sendable static func timeline(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: [])
        return try encode(Timeline(trace: try await storedTrace(call)))
    }

    @Sendable static func criticalPath(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: [])
        return try encode(CriticalPath(trace: try await storedTrace(call)))
    }

    @Sendable static func graph(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["start", "end", "service"])
        let range = try p.microsecondRange(lookback: defaultLookbackNanos)
        let summary = try await call.reader.dependencies(from: range.start, to: range.end)
        return try encode(DependencyGraph(summary: summary, service: try p.single("service")))
    }

    /// The critical paths of up to `limit` (default `query.max_limit`) traces of `service` and
    /// `operation` that started between `start` and `end` (µs; default the last hour), aggregated;
    /// with `minDuration`/`maxDuration`, the endpoint span measured in each trace is the longest
    /// that lasted that long, and traces with none are left out.
    @Sendable static func endpointBreakdown(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["service", "operation", "start", "end", "limit", "minDuration", "maxDuration"])
        return try encode(try await breakdown(call, service: try p.required("service"), operation: try p.required("operation"),
                                              range: try p.microsecondRange(lookback: 3_600_000_000_000)))
    }

    /// The breakdown the API route and the UI's `/endpoint` page share, over `range` (Unix ns),
    /// with the call's `limit`, `minDuration` and `maxDuration`.
    static func breakdown(_ call: QueryCall, service: String, operation: String, range: (start: UInt64, end: UInt64)) async throws -> EndpointBreakdown {
        let p = call.parameters
        var query = TraceQuery(service: service, operation: operation, limit: try call.limit("limit", default: call.configuration.maxLimit))
        (query.start, query.end) = range
        query.minDuration = try p.duration("minDuration")
        query.maxDuration = try p.duration("maxDuration")
        try QueryParameters.checkRange(query.minDuration, query.maxDuration, names: ("minDuration", "maxDuration"))
        let traces = try await TraceSearch(query: query).run(on: call.reader, candidateLimit: call.configuration.maxLimit)
        let durations = query.minDuration == nil && query.maxDuration == nil ? nil : (query.minDuration ?? 0)...(query.maxDuration ?? .max)
        return EndpointBreakdown(service: service, operation: operation, durations: durations, traces: traces)
    }

    private static func storedTrace(_ call: QueryCall) async throws -> TraceBatch {
        let id = try TraceID(parameter: "traceID", call.path("traceID"))
        guard let trace = try await call.reader.trace(id) else { throw QueryError.notFound("trace \(id.hex) not found") }
        return trace
    }

    private static func encode(_ value: (some Encodable)?) throws -> [UInt8] {
        guard let value else { throw QueryError.notFound("the trace has no spans") }
        return Array(try JSONEncoder().encode(value))
    }
}
