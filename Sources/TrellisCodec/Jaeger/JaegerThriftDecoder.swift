import TrellisModel

/// Decodes Jaeger's Thrift IDL (`jaeger.thrift`) into the model, through `JaegerTranslator`:
///
/// - `decodeBinaryBatch`: a bare `Batch` struct in the binary protocol, the body Jaeger clients
///   POST to the collector's `/api/traces` (`application/x-thrift`);
/// - `decodeCompactEmitBatch`: an agent `emitBatch` message in the compact protocol, one UDP
///   datagram to port 6831.
///
/// The IDL's field IDs and types are protocol facts from jaeger-idl. Decoding is strict: a field
/// of the wrong type, a negative or overflowing time, an unknown tag type or reference type fails
/// the request with `CodecError.invalidThrift` naming the field path (`batch.spans[2].tags[0].vType`)
/// and byte offset; unknown fields are skipped; spans with zero IDs are rejected on their own. A
/// negative duration (an end before the start) is stored as 0 with a warning, as `SpanRepair` does.
/// Invalid UTF-8 is repaired with U+FFFD.
public struct JaegerThriftDecoder: Sendable {
    private let maxDepth: Int

    /// - Parameter maxDepth: how deeply unknown values may nest before the body is refused.
    public init(maxDepth: Int = 16) {
        self.maxDepth = maxDepth
    }

    public func decodeBinaryBatch(_ bytes: [UInt8]) throws(CodecError) -> DecodedTraces {
        try Self.withBuffer(bytes) { (buffer) throws(CodecError) in
            var reader = ThriftBinaryReader(buffer, maxDepth: maxDepth)
            let decoded = try BatchReading<ThriftBinaryReader>().decode(&reader)
            guard reader.offset == buffer.count else {
                throw .invalidThrift(field: "batch", offset: reader.offset, reason: "\(buffer.count - reader.offset) bytes follow the end of the Batch")
            }
            return decoded
        }
    }

    public func decodeCompactEmitBatch(_ bytes: [UInt8]) throws(CodecError) -> DecodedTraces {
        try Self.withBuffer(bytes) { (buffer) throws(CodecError) in
            var reader = ThriftCompactReader(buffer, maxDepth: maxDepth)
            let message: (name: String, type: ThriftCompactReader.MessageType)
            do throws(ThriftReadError) {
                message = try reader.readMessageBegin()
            } catch {
                throw .invalidThrift(field: "message", offset: error.offset, reason: error.reason)
            }
            guard message.name == "emitBatch" else {
                throw .invalidThrift(field: "message", offset: 0, reason: "method '\(message.name)' is not served; Trellis takes the agent's emitBatch (Jaeger Thrift spans)")
            }
            guard message.type == .oneway || message.type == .call else {
                throw .invalidThrift(field: "message", offset: 0, reason: "message type \(message.type) is not a call")
            }
            return try BatchReading<ThriftCompactReader>().decodeEmitBatchArguments(&reader)
        }
    }

    private static func withBuffer(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(CodecError) -> DecodedTraces) throws(CodecError) -> DecodedTraces {
        try bytes.withUnsafeBytes { raw in Result { () throws(CodecError) in try body(raw) } }.get()
    }
}

/// One request's walk over a `Batch`, with the field path kept for error messages.
private final class BatchReading<Reader: ThriftReader> {
    private var path: [String] = []
    private var strings = ThriftStrings()

    /// The emitBatch arguments struct: field 1 is the Batch.
    func decodeEmitBatchArguments(_ r: inout Reader) throws(CodecError) -> DecodedTraces {
        var decoded: DecodedTraces?
        try structure(&r, "emitBatch_args") { (r, type, id) throws(CodecError) in
            guard id == 1 else { return false }
            try expect(type, .struct, at: r.offset, field: "batch")
            decoded = try decode(&r)
            return true
        }
        guard let decoded else { throw .invalidThrift(field: "emitBatch_args", offset: r.offset, reason: "field 1 (batch) is missing") }
        return decoded
    }

    /// A `Batch` struct: 1 process, 2 spans (3 seqNo and 4 stats are skipped).
    func decode(_ r: inout Reader) throws(CodecError) -> DecodedTraces {
        var process: JaegerProcess?
        var spans: [JaegerSpan] = []
        try structure(&r, "batch") { (r, type, id) throws(CodecError) in
            switch id {
            case 1:
                try expect(type, .struct, at: r.offset, field: "process")
                process = try self.process(&r)
            case 2:
                try expect(type, .list, at: r.offset, field: "spans")
                try list(&r, "spans", of: .struct) { (r, i) throws(CodecError) in
                    spans.append(try span(&r))
                }
            default: return false
            }
            return true
        }
        return JaegerTranslator.decodedTraces(spans, batchProcess: process, rejections: SpanRejections(), repairedStrings: strings.repaired)
    }

    // MARK: Messages of jaeger.thrift

    private func process(_ r: inout Reader) throws(CodecError) -> JaegerProcess {
        var process = JaegerProcess()
        try structure(&r, "process") { (r, type, id) throws(CodecError) in
            switch id {
            case 1: process.serviceName = try string(&r, type, "serviceName")
            case 2: process.tags = try tags(&r, type, "tags")
            default: return false
            }
            return true
        }
        return process
    }

    private func span(_ r: inout Reader) throws(CodecError) -> JaegerSpan {
        var span = JaegerSpan()
        let spanPath = path.joined(separator: ".")
        span.path = spanPath
        var traceLow: Int64 = 0, traceHigh: Int64 = 0
        var startMicros: Int64 = 0, durationMicros: Int64 = 0
        try structure(&r, nil) { (r, type, id) throws(CodecError) in
            switch id {
            case 1: traceLow = try i64(&r, type, "traceIdLow")
            case 2: traceHigh = try i64(&r, type, "traceIdHigh")
            case 3: span.spanID = SpanID(UInt64(bitPattern: try i64(&r, type, "spanId")))
            case 4: span.parentSpanID = SpanID(UInt64(bitPattern: try i64(&r, type, "parentSpanId")))
            case 5: span.operationName = try string(&r, type, "operationName")
            case 6:
                try expect(type, .list, at: r.offset, field: "references")
                try list(&r, "references", of: .struct) { (r, _) throws(CodecError) in span.references.append(try reference(&r)) }
            case 7: span.flags = UInt32(bitPattern: try i32(&r, type, "flags"))
            case 8: startMicros = try i64(&r, type, "startTime")
            case 9: durationMicros = try i64(&r, type, "duration")
            case 10: span.tags = try tags(&r, type, "tags")
            case 11:
                try expect(type, .list, at: r.offset, field: "logs")
                try list(&r, "logs", of: .struct) { (r, _) throws(CodecError) in span.logs.append(try log(&r)) }
            default: return false
            }
            return true
        }
        span.traceID = TraceID(high: UInt64(bitPattern: traceHigh), low: UInt64(bitPattern: traceLow))
        span.startTimeUnixNano = try nanos(micros: startMicros, "startTime", at: r.offset)
        if durationMicros < 0 {
            span.warnings.append("the duration was negative (\(durationMicros) µs); it is taken as 0")
        } else {
            span.durationNanos = try nanos(micros: durationMicros, "duration", at: r.offset)
        }
        guard UInt64.max - span.startTimeUnixNano >= span.durationNanos else {
            throw invalid("duration", at: r.offset, "startTime + duration overflows")
        }
        return span
    }

    private func reference(_ r: inout Reader) throws(CodecError) -> JaegerSpan.Reference {
        var type: Int32 = 0, low: Int64 = 0, high: Int64 = 0, spanID: Int64 = 0
        try structure(&r, nil) { (r, fieldType, id) throws(CodecError) in
            switch id {
            case 1: type = try i32(&r, fieldType, "refType")
            case 2: low = try i64(&r, fieldType, "traceIdLow")
            case 3: high = try i64(&r, fieldType, "traceIdHigh")
            case 4: spanID = try i64(&r, fieldType, "spanId")
            default: return false
            }
            return true
        }
        let kinds: [Int32: JaegerSpan.ReferenceType] = [0: .childOf, 1: .followsFrom]
        guard let kind = kinds[type] else { throw invalid("refType", at: r.offset, "\(type) is not CHILD_OF (0) or FOLLOWS_FROM (1)") }
        return JaegerSpan.Reference(type: kind, traceID: TraceID(high: UInt64(bitPattern: high), low: UInt64(bitPattern: low)),
                                    spanID: SpanID(UInt64(bitPattern: spanID)))
    }

    private func log(_ r: inout Reader) throws(CodecError) -> JaegerSpan.Log {
        var micros: Int64 = 0
        var fields: [Attribute] = []
        try structure(&r, nil) { (r, type, id) throws(CodecError) in
            switch id {
            case 1: micros = try i64(&r, type, "timestamp")
            case 2: fields = try tags(&r, type, "fields")
            default: return false
            }
            return true
        }
        return JaegerSpan.Log(timeUnixNano: try nanos(micros: micros, "timestamp", at: r.offset), fields: fields)
    }

    private func tags(_ r: inout Reader, _ type: ThriftType, _ name: String) throws(CodecError) -> [Attribute] {
        try expect(type, .list, at: r.offset, field: name)
        var out: [Attribute] = []
        try list(&r, name, of: .struct) { (r, _) throws(CodecError) in out.append(try tag(&r)) }
        return out
    }

    /// A `Tag`: 1 key, 2 vType (STRING 0, DOUBLE 1, BOOL 2, LONG 3, BINARY 4), 3-7 the value of that type.
    private func tag(_ r: inout Reader) throws(CodecError) -> Attribute {
        var key = "", vType: Int32 = 0
        var text = "", number = 0.0, flag = false, long: Int64 = 0, binary: [UInt8] = []
        try structure(&r, nil) { (r, type, id) throws(CodecError) in
            switch id {
            case 1: key = try string(&r, type, "key")
            case 2: vType = try i32(&r, type, "vType")
            case 3: text = try string(&r, type, "vStr")
            case 4:
                try expect(type, .double, at: r.offset, field: "vDouble")
                number = try read(&r, "vDouble") { (r) throws(ThriftReadError) in try r.readDouble() }
            case 5:
                try expect(type, .bool, at: r.offset, field: "vBool")
                flag = try read(&r, "vBool") { (r) throws(ThriftReadError) in try r.readBool() }
            case 6: long = try i64(&r, type, "vLong")
            case 7:
                try expect(type, .binary, at: r.offset, field: "vBinary")
                binary = Array(try read(&r, "vBinary") { (r) throws(ThriftReadError) in try r.readBinary() })
            default: return false
            }
            return true
        }
        switch vType {
        case 0: return Attribute(key, .string(text))
        case 1: return Attribute(key, .double(number))
        case 2: return Attribute(key, .bool(flag))
        case 3: return Attribute(key, .int(long))
        case 4: return Attribute(key, .bytes(binary))
        default: throw invalid("vType", at: r.offset, "\(vType) is not a tag type (STRING 0, DOUBLE 1, BOOL 2, LONG 3, BINARY 4)")
        }
    }

    // MARK: Reading with paths

    /// Reads a struct's fields, handing each to `field`, which returns false for fields it does not know (they are skipped).
    /// `name` is added to the path for a struct held by a field; list elements are already named by `list`.
    private func structure(_ r: inout Reader, _ name: String?, _ field: (inout Reader, ThriftType, Int16) throws(CodecError) -> Bool) throws(CodecError) {
        if let name { path.append(name) }
        defer { if name != nil { path.removeLast() } }
        r.readStructBegin()
        while let header = try read(&r, "field header", { (r) throws(ThriftReadError) in try r.readFieldBegin() }) {
            if try !field(&r, header.type, header.id) {
                try read(&r, "field \(header.id)") { (r) throws(ThriftReadError) in try r.skip(header.type) }
            }
        }
        r.readStructEnd()
    }

    private func list(_ r: inout Reader, _ name: String, of element: ThriftType, _ each: (inout Reader, Int) throws(CodecError) -> Void) throws(CodecError) {
        let at = r.offset
        let header = try read(&r, name) { (r) throws(ThriftReadError) in try r.readListBegin() }
        guard header.element == element else { throw invalid(name, at: at, "a list of \(header.element), expected a list of \(element)") }
        for i in 0..<header.count {
            path.append("\(name)[\(i)]")
            defer { path.removeLast() }
            try each(&r, i)
        }
    }

    private func string(_ r: inout Reader, _ type: ThriftType, _ name: String) throws(CodecError) -> String {
        try expect(type, .binary, at: r.offset, field: name)
        let bytes = try read(&r, name) { (r) throws(ThriftReadError) in try r.readBinary() }
        return strings.string(bytes)
    }

    private func i32(_ r: inout Reader, _ type: ThriftType, _ name: String) throws(CodecError) -> Int32 {
        try expect(type, .i32, at: r.offset, field: name)
        return try read(&r, name) { (r) throws(ThriftReadError) in try r.readI32() }
    }

    private func i64(_ r: inout Reader, _ type: ThriftType, _ name: String) throws(CodecError) -> Int64 {
        try expect(type, .i64, at: r.offset, field: name)
        return try read(&r, name) { (r) throws(ThriftReadError) in try r.readI64() }
    }

    private func nanos(micros: Int64, _ name: String, at offset: Int) throws(CodecError) -> UInt64 {
        guard micros >= 0 else { throw invalid(name, at: offset, "\(micros) microseconds is negative") }
        let (value, overflow) = UInt64(micros).multipliedReportingOverflow(by: 1000)
        guard !overflow else { throw invalid(name, at: offset, "\(micros) microseconds does not fit in 64-bit nanoseconds") }
        return value
    }

    private func expect(_ type: ThriftType, _ expected: ThriftType, at offset: Int, field name: String) throws(CodecError) {
        guard type == expected else { throw invalid(name, at: offset, "has type \(type), expected \(expected)") }
    }

    /// Runs one reader call, turning its error into `CodecError.invalidThrift` at the current path.
    private func read<T>(_ r: inout Reader, _ name: String, _ call: (inout Reader) throws(ThriftReadError) -> T) throws(CodecError) -> T {
        do {
            return try call(&r)
        } catch {
            throw .invalidThrift(field: (path + [name]).joined(separator: "."), offset: error.offset, reason: error.reason)
        }
    }

    private func invalid(_ name: String, at offset: Int, _ reason: String) -> CodecError {
        .invalidThrift(field: (path + [name]).joined(separator: "."), offset: offset, reason: reason)
    }
}

/// Thrift strings as Swift strings, invalid UTF-8 repaired with U+FFFD and remembered.
private struct ThriftStrings {
    private(set) var repaired: Set<String> = []

    mutating func string(_ bytes: UnsafeRawBufferPointer) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let text = String(decoding: bytes, as: UTF8.self)
        repaired.insert(text)
        return text
    }
}
