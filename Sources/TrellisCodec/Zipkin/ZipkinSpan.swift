import TrellisModel

/// One Zipkin v2 span as both of Zipkin's encodings carry it (JSON and the `zipkin.proto3`
/// protobuf), after its IDs were checked. `ZipkinTranslator` maps a list of them to the model.
/// Times are microseconds since the Unix epoch, as Zipkin writes them.
struct ZipkinSpan {
    struct Endpoint {
        var serviceName = ""
        /// IPv4 when given, else IPv6, in text form.
        var ip = ""
        var port: Int64 = 0
    }

    struct Annotation {
        var timestampMicros: UInt64
        var value: String
    }

    var traceID: TraceID
    var spanID: SpanID
    var parentSpanID: SpanID
    var name = ""
    var kind = SpanKind.unspecified
    var timestampMicros: UInt64 = 0
    var durationMicros: UInt64 = 0
    var localEndpoint = Endpoint()
    var remoteEndpoint: Endpoint?
    /// In the order received; a repeated key keeps every occurrence (the first one wins where one value is needed).
    var tags: [(key: String, value: String)] = []
    var annotations: [Annotation] = []
    var debug = false
    var shared = false
    /// Where the span is in the request (`[3]`, `spans[3]`), for error messages.
    var path: String

    init(traceID: TraceID, spanID: SpanID, parentSpanID: SpanID, path: String) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.path = path
    }
}
