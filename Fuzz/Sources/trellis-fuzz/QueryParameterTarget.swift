import NIOHTTP1
@testable import TrellisServer
import TrellisModel

/// The query API's parameter parsers on a query string made of the input: the URI's query
/// items (percent-decoding), then every typed reader on each value — durations, epoch and
/// RFC 3339 times, span kinds, limits, trace and span IDs, the JSON `tags` object and the
/// `key:value` tag form. Each either answers or throws its `QueryParameterError`.
enum QueryParameterTarget {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let request = HTTPRequest(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/traces?" + text), body: [])
        let parameters = QueryParameters(request)
        for (name, value) in request.queryItems {
            _ = try? parameters.single(name)
            _ = try? parameters.positiveInteger(name)
            _ = try? parameters.duration(name)
            _ = try? parameters.epochTime(name, unitNanos: 1000, unitName: "microseconds")
            _ = try? parameters.rfc3339Time(name)
            _ = try? parameters.spanKind(name)
            _ = DurationText.nanoseconds(value)
            if let nanos = RFC3339.unixNanos(value) { precondition(nanos >= 0) }
            if let id = TraceID(hex: value) { precondition(TraceID(hex: id.hex) == id, "trace ID hex round trip") }
            if let id = SpanID(hex: value) { precondition(SpanID(hex: id.hex) == id, "span ID hex round trip") }
            _ = try? TraceSearch.tags(json: value, parameter: name)
            _ = try? TraceSearch.tag(pair: value, parameter: name)
        }
    }
}
