import TrellisCodec

/// The JSON conventions of a path: api/v3's gateway shapes under `/api/v3/`, Jaeger's envelope elsewhere.
public enum QueryAPIStyle: Sendable {
    /// `{"data":…,"total":N,"limit":0,"offset":0,"errors":null}`; errors as `"errors":[{"code","msg"}]`.
    case jaeger
    /// Bare documents (`{"result":…}`, `{"services":[…]}`); errors as `{"error":{"httpCode","message"}}`.
    case apiV3

    public init(path: Substring) {
        self = path.hasPrefix("/api/v3/") ? .apiV3 : .jaeger
    }

    /// The body of an error response.
    public func errorBody(_ error: QueryError) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        switch self {
        case .jaeger:
            w.key("data")
            w.null()
            Self.envelopeCounts(total: 0, into: &w)
            w.key("errors")
            w.beginArray()
            Self.jaegerError(code: Int64(error.status.code), message: error.message, into: &w)
            w.endArray()
        case .apiV3:
            w.key("error")
            w.beginObject()
            w.key("httpCode")
            w.int(Int64(error.status.code))
            w.key("message")
            w.string(error.message)
            w.endObject()
        }
        w.endObject()
        return w.bytes
    }

    /// `"total":N,"limit":0,"offset":0` (Jaeger's envelope always says limit and offset 0).
    static func envelopeCounts(total: Int, into w: inout JSONWriter) {
        w.key("total")
        w.int(Int64(total))
        w.key("limit")
        w.int(0)
        w.key("offset")
        w.int(0)
    }

    /// One entry of Jaeger's `errors`: `{"code":N,"msg":"…"}`, with `traceID` when it is about one trace.
    static func jaegerError(code: Int64, message: String, traceID: String? = nil, into w: inout JSONWriter) {
        w.beginObject()
        w.key("code")
        w.int(code)
        w.key("msg")
        w.string(message)
        if let traceID {
            w.key("traceID")
            w.string(traceID)
        }
        w.endObject()
    }
}
