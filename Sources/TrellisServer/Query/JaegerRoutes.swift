import TrellisAnalysis
import TrellisCodec
import TrellisModel
import TrellisStorage

/// Jaeger's HTTP JSON API (`/api/...`), as the Jaeger UI and Grafana's Jaeger data source call it.
/// Every answer is the envelope `{"data","total","limit","offset","errors"}`.
public enum JaegerRoutes {
    public static let routes: [QueryRoute] = [
        .get("/api/services", services),
        .get("/api/services/{service}/operations", serviceOperations),
        .get("/api/operations", operations),
        .get("/api/traces", findTraces),
        .get("/api/traces/{traceID}", trace),
        .get("/api/dependencies", dependencies),
    ]

    /// The parameters of `GET /api/traces`. `lookback` is the UI's label for the range it sent as `start`/`end`, and is ignored.
    static let searchParameters = ["service", "operation", "tags", "tag", "start", "end", "minDuration", "maxDuration", "limit", "lookback", "traceID"]

    @Sendable static func services(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: [])
        let names = try await call.reader.services()
        return envelope(total: names.count) { $0.strings(names) }
    }

    @Sendable static func serviceOperations(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: [])
        let names = Array(Set(try await call.reader.operations(service: call.path("service")).map(\.name))).sorted()
        return envelope(total: names.count) { $0.strings(names) }
    }

    @Sendable static func operations(_ call: QueryCall) async throws -> [UInt8] {
        try call.parameters.reject(allowing: ["service", "spanKind"])
        let service = try call.parameters.required("service")
        let operations = Operation.filtered(try await call.reader.operations(service: service), kind: try call.parameters.spanKind("spanKind"))
        return envelope(total: operations.count) { $0.operations(operations) }
    }

    /// `start`/`end` are time hints (Jaeger reads microseconds; Grafana, with its trace-ID time
    /// option on, sends milliseconds). Trellis finds a trace by its ID alone, so either unit works:
    /// they are checked as whole numbers and need not be right. `raw=true` asks for the spans as
    /// stored, which is what Trellis always answers (it adjusts nothing at query time).
    @Sendable static func trace(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["start", "end", "raw"])
        try QueryParameters.checkRange(try p.epochTime("start", unitNanos: 1, unitName: "microseconds or milliseconds"),
                                       try p.epochTime("end", unitNanos: 1, unitName: "microseconds or milliseconds"), names: ("start", "end"))
        _ = try p.bool("raw")
        let id = try TraceID(parameter: "traceID", call.path("traceID"))
        guard let trace = try await call.reader.trace(id) else { throw QueryError.notFound("trace \(id.hex) not found") }
        return traces([trace])
    }

    @Sendable static func findTraces(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: searchParameters)
        let ids = try p.all("traceID").map { text throws(QueryParameterError) in try TraceID(parameter: "traceID", text) }
        if !ids.isEmpty {
            var found: [TraceBatch] = []
            var missing: [TraceID] = []
            for id in ids {
                if let trace = try await call.reader.trace(id) { found.append(trace) } else { missing.append(id) }
            }
            return traces(found, missing: missing)
        }
        var query = TraceQuery(service: try p.required("service"), operation: try p.single("operation"), limit: try call.limit("limit"))
        query.start = try p.epochTime("start", unitNanos: 1000, unitName: "microseconds")
        query.end = try p.epochTime("end", unitNanos: 1000, unitName: "microseconds")
        try QueryParameters.checkRange(query.start, query.end, names: ("start", "end"))
        query.minDuration = try p.duration("minDuration")
        query.maxDuration = try p.duration("maxDuration")
        try QueryParameters.checkRange(query.minDuration, query.maxDuration, names: ("minDuration", "maxDuration"))
        var tags = try p.single("tags").map { text throws(QueryParameterError) in try TraceSearch.tags(json: text, parameter: "tags") } ?? []
        tags += try p.all("tag").map { text throws(QueryParameterError) in try TraceSearch.tag(pair: text, parameter: "tag") }
        let found = try await TraceSearch(query: query, tags: tags).run(on: call.reader, candidateLimit: call.configuration.maxLimit)
        return traces(found)
    }

    /// `[{parent, child, callCount}]` between `endTs - lookback` and `endTs` (milliseconds; the
    /// range defaults to the last 24 hours), without the uninstrumented peers Jaeger does not show;
    /// with `service`, only the links whose parent or child it is (as Jaeger's handler filters).
    @Sendable static func dependencies(_ call: QueryCall) async throws -> [UInt8] {
        let p = call.parameters
        try p.reject(allowing: ["endTs", "lookback", "service"])
        let end = try p.epochTime("endTs", unitNanos: 1_000_000, unitName: "milliseconds") ?? WallClock.nowNanos()
        let lookback = try p.positiveSpan("lookback", unitNanos: 1_000_000, unitName: "milliseconds") ?? AnalysisRoutes.defaultLookbackNanos
        let service = try p.single("service")
        let links = JaegerDependencyLink.links(in: try await call.reader.dependencies(from: end - min(end, lookback), to: end))
            .filter { service == nil || $0.parent == service || $0.child == service }
        return envelope(total: links.count) { w in
            w.beginArray()
            for link in links {
                w.beginObject()
                w.key("parent"); w.string(link.parent)
                w.key("child"); w.string(link.child)
                w.key("callCount"); w.uint(link.callCount)
                w.endObject()
            }
            w.endArray()
        }
    }

    /// The envelope around traces; IDs asked for but not stored become `errors` entries.
    static func traces(_ traces: [TraceBatch], missing: [TraceID] = []) -> [UInt8] {
        let encoder = JaegerJSONEncoder()
        return envelope(total: traces.count, missing: missing) { w in
            w.beginArray()
            for trace in traces { encoder.write(trace, into: &w) }
            w.endArray()
        }
    }

    /// `{"data":<written by data>,"total":N,"limit":0,"offset":0,"errors":null}`, with a
    /// `{"code":404,"msg":"trace not found","traceID":…}` error for each missing trace.
    public static func envelope(total: Int, missing: [TraceID] = [], _ data: (inout JSONWriter) -> Void) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("data")
        data(&w)
        QueryAPIStyle.envelopeCounts(total: total, into: &w)
        w.key("errors")
        if missing.isEmpty {
            w.null()
        } else {
            w.beginArray()
            for id in missing { QueryAPIStyle.jaegerError(code: 404, message: "trace not found", traceID: id.hex, into: &w) }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }
}
