import TrellisCodec

/// The answer conventions of a path: api/v3's gateway shapes under `/api/v3/`, Jaeger's envelope
/// elsewhere under `/api`, HTML pages for the web UI.
public enum QueryAPIStyle: Sendable {
    /// `{"data":…,"total":N,"limit":0,"offset":0,"errors":null}`; errors as `"errors":[{"code","msg"}]`.
    case jaeger
    /// Bare documents (`{"result":…}`, `{"services":[…]}`); errors as `{"error":{"httpCode","message"}}`.
    case apiV3
    /// The web UI: errors as a small HTML page.
    case html

    public init(path: Substring) {
        if path.hasPrefix("/api/v3/") {
            self = .apiV3
        } else if path == "/api" || path.hasPrefix("/api/") {
            self = .jaeger
        } else {
            self = .html
        }
    }

    /// The `Content-Type` of error answers.
    public var contentType: String {
        self == .html ? "text/html; charset=utf-8" : "application/json"
    }

    /// The body of an error response to a request for `uri` (path and query).
    public func errorBody(_ error: QueryError, uri: String) -> [UInt8] {
        if self == .html { return UIPage.error(status: Int(error.status.code), message: error.message, path: uri) }
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
        case .apiV3, .html:
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
