import TrellisAnalysis
import TrellisCodec
import TrellisModel
import TrellisStorage

/// The OTLP-native query API (`/api/v3/...`), as Jaeger's api_v3 HTTP gateway answers it:
/// traces as `{"result": <OTLP/JSON TracesData>}`, errors as `{"error":{"httpCode","message"}}`.
///
/// Parameter names follow jaeger-idl's `api_v3` OpenAPI document (camelCase, such as
/// `query.serviceName`); the gateway's older snake_case names are accepted as aliases
/// (`query.service_name`, and `query.num_traces` for `query.searchDepth`).
public enum APIv3Routes {
    public static let routes: [QueryRoute] = [
        .get("/api/v3/services", services),
        .get("/api/v3/operations", operations),
        .get("/api/v3/traces", findTraces),
        .get("/api/v3/trace-summaries", traceSummaries),
        .get("/api/v3/traces/{trace_id}", trace),
        .get("/api/v3/dependencies", dependencies),
    ]

    /// snake_case alias → camelCase name, for every v3 parameter that has both.
    static let aliases = [
        "query.service_name": "query.serviceName", "query.operation_name": "query.operationName",
        "query.start_time_min": "query.startTimeMin", "query.start_time_max": "query.startTimeMax",
        "query.duration_min": "query.durationMin", "query.duration_max": "query.durationMax",
        "query.search_depth": "query.searchDepth", "query.num_traces": "query.searchDepth",
        "query.raw_traces": "query.rawTraces", "span_kind": "spanKind",
        "start_time": "startTime", "end_time": "endTime", "raw_traces": "rawTraces",
    ]

    static let searchParameters = [
        "query.serviceName", "query.operationName", "query.startTimeMin", "query.startTimeMax",
        "query.durationMin", "query.durationMax", "query.searchDepth", "query.rawTraces", "query.attributes",
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
        let p = call.parameters.renaming(aliases: aliases)
        try p.reject(allowing: ["service", "spanKind"])
        let service = try p.required("service")
        let operations = Operation.filtered(try await call.reader.operations(service: service), kind: try p.spanKind("spanKind"))
        var w = JSONWriter()
        w.beginObject()
        w.key("operations")
        w.operations(operations)
        w.endObject()
        return w.bytes
    }

    /// `startTime`/`endTime` are the caller's bounds on the trace's time; Trellis finds a trace by
    /// its ID alone, so they are checked and need not be right. `rawTraces` asks for the spans as
    /// stored, which is what Trellis always answers (it adjusts nothing at query time).
    @Sendable static func trace(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters.renaming(aliases: aliases)
        try p.reject(allowing: ["startTime", "endTime", "rawTraces"])
        try QueryParameters.checkRange(try p.rfc3339Time("startTime"), try p.rfc3339Time("endTime"), names: ("startTime", "endTime"))
        _ = try p.bool("rawTraces")
        let id = try TraceID(parameter: "trace_id", call.path("trace_id"))
        guard let trace = try await call.reader.trace(id) else { throw QueryError.notFound("trace \(id.hex) not found") }
        return result(trace)
    }

    /// Like Jaeger's gateway: the time range is required, and a search that finds nothing is 404.
    @Sendable static func findTraces(_ call: QueryCall) async throws -> [UInt8] {
        let found = try await search(call)
        guard !found.isEmpty else { throw QueryError.notFound("No traces found") }
        return result(TraceBatch(resourceSpans: found.flatMap(\.resourceSpans)))
    }

    /// `{"summaries":[TraceSummary…]}`, newest first: what the Jaeger UI's search list reads.
    /// Counts are JSON numbers, the two times decimal strings of Unix nanoseconds (proto3 JSON
    /// writes 64-bit integers as strings). Nothing found is an empty list.
    @Sendable static func traceSummaries(_ call: QueryCall) async throws -> [UInt8] {
        let summaries = try await search(call).compactMap(TraceSummary.init(trace:))
        var w = JSONWriter()
        w.beginObject()
        w.key("summaries")
        w.beginArray()
        for summary in summaries {
            w.beginObject()
            w.key("traceId"); w.string(summary.traceID.hex)
            w.key("rootServiceName"); w.string(summary.rootServiceName)
            w.key("rootOperationName"); w.string(summary.rootOperationName)
            w.key("minStartTimeUnixNano"); w.string(String(summary.minStartTimeUnixNano))
            w.key("maxEndTimeUnixNano"); w.string(String(summary.maxEndTimeUnixNano))
            w.key("spanCount"); w.int(Int64(summary.spanCount))
            w.key("errorSpanCount"); w.int(Int64(summary.errorSpanCount))
            w.key("orphanSpanCount"); w.int(Int64(summary.orphanSpanCount))
            w.key("services")
            w.beginArray()
            for service in summary.services {
                w.beginObject()
                w.key("name"); w.string(service.name)
                w.key("spanCount"); w.int(Int64(service.spanCount))
                w.key("errorSpanCount"); w.int(Int64(service.errorSpanCount))
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// `{"dependencies":[{"parent","child","callCount"}]}` between the required `startTime` and
    /// `endTime` (RFC 3339); `callCount` is a decimal string, as proto3 JSON writes a uint64.
    @Sendable static func dependencies(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters.renaming(aliases: aliases)
        try p.reject(allowing: ["startTime", "endTime"])
        guard let start = try p.rfc3339Time("startTime") else { throw QueryParameterError.missing("startTime") }
        guard let end = try p.rfc3339Time("endTime") else { throw QueryParameterError.missing("endTime") }
        try QueryParameters.checkRange(start, end, names: ("startTime", "endTime"))
        let links = JaegerDependencyLink.links(in: try await call.reader.dependencies(from: start, to: end))
        var w = JSONWriter()
        w.beginObject()
        w.key("dependencies")
        w.beginArray()
        for link in links {
            w.beginObject()
            w.key("parent"); w.string(link.parent)
            w.key("child"); w.string(link.child)
            w.key("callCount"); w.string(String(link.callCount))
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// The search `/api/v3/traces` and `/api/v3/trace-summaries` share (`query.*` parameters).
    private static func search(_ call: QueryCall) async throws -> [TraceBatch] {
        let p = call.parameters.renaming(aliases: aliases)
        try p.reject(allowing: searchParameters)
        var query = TraceQuery(service: try p.required("query.serviceName"), operation: try p.single("query.operationName"),
                               limit: try call.limit("query.searchDepth", in: p))
        guard let start = try p.rfc3339Time("query.startTimeMin") else { throw QueryParameterError.missing("query.startTimeMin") }
        guard let end = try p.rfc3339Time("query.startTimeMax") else { throw QueryParameterError.missing("query.startTimeMax") }
        try QueryParameters.checkRange(start, end, names: ("query.startTimeMin", "query.startTimeMax"))
        query.start = start
        query.end = end
        query.minDuration = try p.duration("query.durationMin")
        query.maxDuration = try p.duration("query.durationMax")
        try QueryParameters.checkRange(query.minDuration, query.maxDuration, names: ("query.durationMin", "query.durationMax"))
        _ = try p.bool("query.rawTraces")
        let tags = try p.single("query.attributes").map { text throws(QueryParameterError) in
            try TraceSearch.tags(json: text, parameter: "query.attributes")
        } ?? []
        return try await TraceSearch(query: query, tags: tags).run(on: call.reader, candidateLimit: call.configuration.maxLimit)
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
