/// Jaeger's api_v2 collector messages for `ProtobufWireValidator`. Field numbers are jaeger-idl's
/// `model.proto` and `collector.proto`; names in error paths are the proto field names.
enum JaegerMessageSchema: UInt8, ProtobufMessageSchema {
    case postSpansRequest, batch, span, spanRef, keyValue, log, process, timestamp

    static let root = JaegerMessageSchema.postSpansRequest
    static let rootName = "PostSpansRequest"
    static let maxFieldNumber = 12
    static let packedRules = ProtobufField.packedRules(for: JaegerMessageSchema.self)

    func field(_ number: UInt64) -> ProtobufField? {
        typealias F = ProtobufField
        switch (self, number) {
        case (.postSpansRequest, 1): return F.one(Self.batch)
        case (.batch, 1): return F.list(Self.span)
        case (.batch, 2), (.span, 10): return F.one(Self.process)
        case (.span, 1), (.span, 2), (.span, 3), (.span, 11), (.span, 12): return F.text
        case (.span, 4): return F.list(Self.spanRef)
        case (.span, 5): return F.varint
        // Timestamp and Duration share their wire shape: seconds (1), nanos (2).
        case (.span, 6), (.span, 7), (.log, 1): return F.one(Self.timestamp)
        case (.span, 8), (.process, 2), (.log, 2): return F.list(Self.keyValue)
        case (.span, 9): return F.list(Self.log)
        case (.spanRef, 1), (.spanRef, 2): return F.text
        case (.spanRef, 3): return F.varint
        case (.keyValue, 1), (.keyValue, 3), (.keyValue, 7): return F.text
        case (.keyValue, 2), (.keyValue, 4), (.keyValue, 5): return F.varint
        case (.keyValue, 6): return F.fixed64
        case (.process, 1): return F.text
        case (.timestamp, 1), (.timestamp, 2): return F.varint
        default: return nil
        }
    }

    func name(of number: UInt64) -> String {
        switch (self, number) {
        case (.postSpansRequest, 1): return "batch"
        case (.batch, 1): return "spans"
        case (.batch, 2), (.span, 10): return "process"
        case (.span, 1), (.spanRef, 1): return "trace_id"
        case (.span, 2), (.spanRef, 2): return "span_id"
        case (.span, 3): return "operation_name"
        case (.span, 4): return "references"
        case (.span, 5): return "flags"
        case (.span, 6): return "start_time"
        case (.span, 7): return "duration"
        case (.span, 8), (.process, 2): return "tags"
        case (.span, 9): return "logs"
        case (.span, 11): return "process_id"
        case (.span, 12): return "warnings"
        case (.spanRef, 3): return "ref_type"
        case (.keyValue, 1): return "key"
        case (.keyValue, 2): return "v_type"
        case (.keyValue, 3): return "v_str"
        case (.keyValue, 4): return "v_bool"
        case (.keyValue, 5): return "v_int64"
        case (.keyValue, 6): return "v_float64"
        case (.keyValue, 7): return "v_binary"
        case (.log, 1): return "timestamp"
        case (.log, 2): return "fields"
        case (.process, 1): return "service_name"
        case (.timestamp, 1): return "seconds"
        case (.timestamp, 2): return "nanos"
        default: return "field \(number)"
        }
    }
}
