import TrellisModel

/// One Jaeger span as all three of Jaeger's collector encodings carry it (Thrift binary and
/// compact, api_v2 protobuf), read but not yet mapped: `JaegerTranslator` maps it to the model.
/// Times are nanoseconds since the Unix epoch (Thrift's microseconds times 1000).
struct JaegerSpan {
    enum ReferenceType { case childOf, followsFrom }

    struct Reference {
        var type: ReferenceType
        var traceID: TraceID
        var spanID: SpanID
    }

    struct Log {
        var timeUnixNano: UInt64
        var fields: [Attribute]
    }

    var traceID = TraceID(high: 0, low: 0)
    var spanID = SpanID.none
    /// Thrift's `parentSpanId`; protobuf carries the parent as a CHILD_OF reference only.
    var parentSpanID = SpanID.none
    var operationName = ""
    var references: [Reference] = []
    var flags: UInt32 = 0
    var startTimeUnixNano: UInt64 = 0
    var durationNanos: UInt64 = 0
    var tags: [Attribute] = []
    var logs: [Log] = []
    /// The span's own process (protobuf); nil means the batch's.
    var process: JaegerProcess?
    var warnings: [String] = []
    /// Where the span is in the request (`batch.spans[3]`), for rejection reasons.
    var path = ""
}

/// A Jaeger process: the service and its tags, which become the resource.
struct JaegerProcess: Hashable {
    var serviceName = ""
    var tags: [Attribute] = []
}
