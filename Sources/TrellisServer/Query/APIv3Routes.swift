import TrellisCodec
import TrellisModel
import TrellisStorage

/// The OTLP-native query API (`/api/v3/...`), as Jaeger's api_v3 HTTP gateway answers it:
/// traces as `{"result": <OTLP/JSON TracesData>}`, errors as `{"error":{"httpCode","message"}}`.
public enum APIv3Routes {
    public static let routes: [QueryRoute] = [
        .get("/api/v3/services", services),
        .get("/api/v3/operations", operations),
        .get("/api/v3/traces", findTraces),
        .get("/api/v3/traces/{trace_id}", trace),
    ]

    static let searchParameters = [
        "query.service_name", "query.operation_name", "query.start_time_min", "query.start_time_max",
        "query.duration_min", "query.duration_max", "query.search_depth", "query.attributes",
    ]

    @Sendable static func services(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: [])
        let names = try await call.reader.services()
        var w = JSONWriter()
        w.beginObject()
        w.key("services")
        w.strings(names)
        w.endObject()
        return w.bytes
    }

    @Sendable static func operations(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: ["service", "span_kind"])
        let service = try call.parameters.required("service")
        let kind = try call.parameters.spanKind("span_kind")
        let operations = try await call.reader.operations(service: service).filter { kind == nil || $0.kind == kind }
        var w = JSONWriter()
        w.beginObject()
        w.key("operations")
        w.operations(operations)
        w.endObject()
        return w.bytes
    }

    @Sendable static func trace(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: [])
        let id = try TraceID(parameter: "trace_id", call.path("trace_id"))
        guard let trace = try await call.reader.trace(id) else { throw QueryError.notFound("trace \(id.hex) not found") }
        return result(trace)
    }

    /// Like Jaeger's gateway: the time range is required, and a search that finds nothing is 404.
    @Sendable static func findTraces(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: searchParameters)
        var query = TraceQuery(service: try p.required("query.service_name"), operation: try p.single("query.operation_name"),
                               limit: try call.limit("query.search_depth"))
        guard let start = try p.rfc3339Time("query.start_time_min") else { throw QueryParameterError.missing("query.start_time_min") }
        guard let end = try p.rfc3339Time("query.start_time_max") else { throw QueryParameterError.missing("query.start_time_max") }
        try QueryParameters.checkRange(start, end, names: ("query.start_time_min", "query.start_time_max"))
        query.start = start
        query.end = end
        query.minDuration = try p.duration("query.duration_min")
        query.maxDuration = try p.duration("query.duration_max")
        try QueryParameters.checkRange(query.minDuration, query.maxDuration, names: ("query.duration_min", "query.duration_max"))
        let tags = try p.single("query.attributes").map { text throws(QueryParameterError) in
            try TraceSearch.tags(json: text, parameter: "query.attributes")
        } ?? []
        let found = try await TraceSearch(query: query, tags: tags).run(on: call.reader, candidateLimit: call.configuration.maxLimit)
        guard !found.isEmpty else { throw QueryError.notFound("No traces found") }
        return result(TraceBatch(resourceSpans: found.flatMap(\.resourceSpans)))
    }

    /// `{"result": <OTLP/JSON TracesData>}`.
    static func result(_ batch: TraceBatch) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("result")
        w.encodedValue(OTLPJSONEncoder().encode(batch))
        w.endObject()
        return w.bytes
    }
}
