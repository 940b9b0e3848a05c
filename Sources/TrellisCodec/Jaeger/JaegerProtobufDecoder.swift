import CProtobufC
import TrellisModel
import TrellisProtoC

/// Decodes Jaeger's gRPC `PostSpansRequest` (`/jaeger.api_v2.CollectorService/PostSpans`) into
/// the model, through `JaegerTranslator`, so it maps as Jaeger Thrift does.
///
/// The wire is validated first (`ProtobufWireValidator` with `JaegerMessageSchema`), then
/// libprotobuf-c unpacks it into an arena. IDs are big-endian bytes: a span whose trace ID is not
/// 16 bytes or whose span ID is not 8 is rejected on its own. A negative or overflowing time, an
/// unknown value type or reference type fails the request naming the field; a negative duration is
/// stored as 0 with a warning. Owns its arena: keep
/// one per connection.
public final class JaegerProtobufDecoder: RequestBodyDecoder {
    private let unpacker: ProtobufUnpacker<JaegerMessageSchema>

    public init(initialArenaBytes: Int = 1 << 16, maxDepth: Int = 8, maxExpansion: Int = 64) {
        unpacker = ProtobufUnpacker(initialArenaBytes: initialArenaBytes, maxDepth: maxDepth, maxExpansion: maxExpansion)
    }

    public func decode(_ bytes: UnsafeRawBufferPointer) throws(CodecError) -> DecodedTraces {
        try unpacker.withMessage(bytes, unpack: jaeger__api_v2__post_spans_request__unpack) { (request) throws(CodecError) in
            guard let batch = request.pointee.batch?.pointee else { return DecodedTraces(batch: TraceBatch(resourceSpans: [])) }
            var reader = CStringReader(cache: unpacker.strings)
            var rejections = SpanRejections()
            var spans: [JaegerSpan] = []
            spans.reserveCapacity(batch.n_spans)
            for i in 0..<batch.n_spans {
                if let span = try Self.span(batch.spans[i]!.pointee, path: "batch.spans[\(i)]", strings: &reader, rejections: &rejections) {
                    spans.append(span)
                }
            }
            let process = try batch.process.map { (c) throws(CodecError) in try Self.process(c.pointee, path: "batch.process", strings: &reader) }
            return JaegerTranslator.decodedTraces(spans, batchProcess: process, rejections: rejections, repairedStrings: reader.repaired)
        }
    }

    private static func span(
        _ c: Jaeger__ApiV2__Span, path: String, strings: inout CStringReader, rejections: inout SpanRejections
    ) throws(CodecError) -> JaegerSpan? {
        let traceID = TraceID(bytes: UnsafeRawBufferPointer(start: c.trace_id.data, count: c.trace_id.len))
        let spanID = SpanID(bytes: UnsafeRawBufferPointer(start: c.span_id.data, count: c.span_id.len))
        if let problem = SpanIdentityCheck.problem(traceIDLength: c.trace_id.len, traceID: traceID, spanIDLength: c.span_id.len, spanID: spanID, parentLength: 0) {
            rejections.reject("\(path): \(problem)")
            return nil
        }
        guard let traceID, let spanID else { return nil }
        var span = JaegerSpan()
        span.path = path
        span.traceID = traceID
        span.spanID = spanID
        span.operationName = strings.string(c.operation_name)
        for r in 0..<c.n_references {
            let ref = c.references[r]!.pointee
            let refPath = "\(path).references[\(r)]"
            guard let refTrace = TraceID(bytes: UnsafeRawBufferPointer(start: ref.trace_id.data, count: ref.trace_id.len)),
                  let refSpan = SpanID(bytes: UnsafeRawBufferPointer(start: ref.span_id.data, count: ref.span_id.len)) else {
                rejections.reject("\(refPath): a reference's trace_id must be 16 bytes and span_id 8, got \(ref.trace_id.len) and \(ref.span_id.len)")
                return nil
            }
            let type: JaegerSpan.ReferenceType
            switch ref.ref_type {
            case JAEGER__API_V2__SPAN_REF_TYPE__CHILD_OF: type = .childOf
            case JAEGER__API_V2__SPAN_REF_TYPE__FOLLOWS_FROM: type = .followsFrom
            default: throw .invalidValue(field: refPath + ".ref_type", reason: "\(ref.ref_type.rawValue) is not CHILD_OF (0) or FOLLOWS_FROM (1)")
            }
            span.references.append(JaegerSpan.Reference(type: type, traceID: refTrace, spanID: refSpan))
        }
        span.flags = c.flags
        span.startTimeUnixNano = try nanos(c.start_time.map { ($0.pointee.seconds, $0.pointee.nanos) }, path + ".start_time")
        if let duration = c.duration?.pointee, duration.seconds < 0 || duration.nanos < 0 {
            span.warnings.append("the duration was negative (\(duration.seconds) s \(duration.nanos) ns); it is taken as 0")
        } else {
            span.durationNanos = try nanos(c.duration.map { ($0.pointee.seconds, $0.pointee.nanos) }, path + ".duration")
        }
        guard UInt64.max - span.startTimeUnixNano >= span.durationNanos else {
            throw .invalidValue(field: path + ".duration", reason: "start_time + duration overflows")
        }
        span.tags = try keyValues(c.tags, c.n_tags, path: path + ".tags", strings: &strings)
        for l in 0..<c.n_logs {
            let log = c.logs[l]!.pointee
            let logPath = "\(path).logs[\(l)]"
            span.logs.append(JaegerSpan.Log(
                timeUnixNano: try nanos(log.timestamp.map { ($0.pointee.seconds, $0.pointee.nanos) }, logPath + ".timestamp"),
                fields: try keyValues(log.fields, log.n_fields, path: logPath + ".fields", strings: &strings)))
        }
        if let c = c.process { span.process = try process(c.pointee, path: path + ".process", strings: &strings) }
        for w in 0..<c.n_warnings { span.warnings.append(strings.string(c.warnings[w])) }
        return span
    }

    private static func process(_ c: Jaeger__ApiV2__Process, path: String, strings: inout CStringReader) throws(CodecError) -> JaegerProcess {
        JaegerProcess(serviceName: strings.string(c.service_name), tags: try keyValues(c.tags, c.n_tags, path: path + ".tags", strings: &strings))
    }

    private static func keyValues(
        _ list: UnsafeMutablePointer<UnsafeMutablePointer<Jaeger__ApiV2__KeyValue>?>?, _ count: Int, path: String, strings: inout CStringReader
    ) throws(CodecError) -> [Attribute] {
        guard count > 0, let list else { return [] }
        var out: [Attribute] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let kv = list[i]!.pointee
            let key = strings.string(kv.key)
            switch kv.v_type {
            case JAEGER__API_V2__VALUE_TYPE__STRING: out.append(Attribute(key, .string(strings.string(kv.v_str))))
            case JAEGER__API_V2__VALUE_TYPE__BOOL: out.append(Attribute(key, .bool(kv.v_bool != 0)))
            case JAEGER__API_V2__VALUE_TYPE__INT64: out.append(Attribute(key, .int(kv.v_int64)))
            case JAEGER__API_V2__VALUE_TYPE__FLOAT64: out.append(Attribute(key, .double(kv.v_float64)))
            case JAEGER__API_V2__VALUE_TYPE__BINARY: out.append(Attribute(key, .bytes(Array(UnsafeRawBufferPointer(start: kv.v_binary.data, count: kv.v_binary.len)))))
            default: throw .invalidValue(field: "\(path)[\(i)].v_type", reason: "\(kv.v_type.rawValue) is not a value type (STRING 0, BOOL 1, INT64 2, FLOAT64 3, BINARY 4)")
            }
        }
        return out
    }

    /// A Timestamp or Duration as nanoseconds; nil (absent) is 0.
    private static func nanos(_ value: (seconds: Int64, nanos: Int32)?, _ path: String) throws(CodecError) -> UInt64 {
        guard let value else { return 0 }
        guard value.seconds >= 0, value.nanos >= 0, value.nanos < 1_000_000_000 else {
            throw .invalidValue(field: path, reason: "\(value.seconds) s \(value.nanos) ns is negative or has nanos outside 0...999999999")
        }
        let (whole, overflow) = UInt64(value.seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(value.nanos))
        guard !overflow && !overflow2 else { throw .invalidValue(field: path, reason: "\(value.seconds) seconds does not fit in 64-bit nanoseconds") }
        return sum
    }
}
