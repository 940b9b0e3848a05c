import Testing
import TrellisCodec
import TrellisModel

/// One span written byte by byte into every receiver's wire format, so a test can put the same
/// raw input (invalid UTF-8, blank names, zero times) through each decoder.
struct WireSpan {
    var traceHex = "5b8efff798038103d269b633813fc60c"
    var spanHex: String
    var parentHex = ""
    var service: [UInt8] = Array("checkout".utf8)
    var name: [UInt8]
    var attribute: (key: [UInt8], value: [UInt8])?
    var startNanos: UInt64 = 1_700_000_000_000_000_000
    var endNanos: UInt64 = 1_700_000_000_250_000_000
}

/// The formats whose decoders build spans, each with how to write and how to decode a body.
enum WireFormat: String, CaseIterable, CustomTestStringConvertible {
    case otlpProtobuf, otlpJSON, zipkinJSON, zipkinProtobuf, jaegerThrift, jaegerProtobuf

    var testDescription: String { rawValue }

    func decode(_ spans: [WireSpan]) throws -> DecodedTraces {
        let body = self.body(spans)
        switch self {
        case .otlpProtobuf: return try OTLPProtobufDecoder().decode(body)
        case .otlpJSON: return try OTLPJSONDecoder().decode(body)
        case .zipkinJSON: return try ZipkinJSONDecoder().decode(body)
        case .zipkinProtobuf: return try ZipkinProtobufDecoder().decode(body)
        case .jaegerThrift: return try JaegerThriftDecoder().decodeBinaryBatch(body)
        case .jaegerProtobuf: return try JaegerProtobufDecoder().decode(body)
        }
    }

    func body(_ spans: [WireSpan]) -> [UInt8] {
        switch self {
        case .otlpProtobuf:
            return spans.flatMap { span in
                let attribute = span.attribute.map { Proto.field(9, Proto.field(1, $0.key) + Proto.field(2, Proto.field(1, $0.value))) } ?? []
                let body = Proto.field(1, hexBytes(span.traceHex)) + Proto.field(2, hexBytes(span.spanHex))
                    + (span.parentHex.isEmpty ? [] : Proto.field(4, hexBytes(span.parentHex)))
                    + Proto.field(5, span.name) + Proto.fixed64(7, span.startNanos) + Proto.fixed64(8, span.endNanos) + attribute
                let resource = Proto.field(1, Proto.field(1, Array("service.name".utf8)) + Proto.field(2, Proto.field(1, span.service)))
                return Proto.field(1, Proto.field(1, resource) + Proto.field(2, Proto.field(2, body)))
            }
        case .otlpJSON:
            var out = Array(#"{"resourceSpans":["#.utf8)
            for (i, span) in spans.enumerated() {
                if i > 0 { out += Array(",".utf8) }
                out += Array(#"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":""#.utf8) + span.service
                out += Array("\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"\(span.traceHex)\",\"spanId\":\"\(span.spanHex)\",\"parentSpanId\":\"\(span.parentHex)\",".utf8)
                out += Array(#""startTimeUnixNano":"\#(span.startNanos)","endTimeUnixNano":"\#(span.endNanos)","name":""#.utf8) + span.name + Array("\"".utf8)
                if let (key, value) = span.attribute {
                    out += Array(#","attributes":[{"key":""#.utf8) + key + Array(#"","value":{"stringValue":""#.utf8) + value + Array("\"}}]".utf8)
                }
                out += Array("}]}]}".utf8)
            }
            return out + Array("]}".utf8)
        case .zipkinJSON:
            var out = Array("[".utf8)
            for (i, span) in spans.enumerated() {
                if i > 0 { out += Array(",".utf8) }
                out += Array("{\"traceId\":\"\(span.traceHex)\",\"id\":\"\(span.spanHex)\"".utf8)
                if !span.parentHex.isEmpty { out += Array(",\"parentId\":\"\(span.parentHex)\"".utf8) }
                if span.startNanos != 0 { out += Array(",\"timestamp\":\(span.startNanos / 1000)".utf8) }
                if span.endNanos > span.startNanos { out += Array(",\"duration\":\((span.endNanos - span.startNanos) / 1000)".utf8) }
                out += Array(#","localEndpoint":{"serviceName":""#.utf8) + span.service + Array(#""},"name":""#.utf8) + span.name + Array("\"".utf8)
                if let (key, value) = span.attribute {
                    out += Array(#","tags":{""#.utf8) + key + Array(#"":""#.utf8) + value + Array("\"}".utf8)
                }
                out += Array("}".utf8)
            }
            return out + Array("]".utf8)
        case .zipkinProtobuf:
            return spans.flatMap { span in
                let tags = span.attribute.map { Proto.field(11, Proto.field(1, $0.key) + Proto.field(2, $0.value)) } ?? []
                let duration = span.endNanos > span.startNanos ? Proto.varintField(7, (span.endNanos - span.startNanos) / 1000) : []
                let body = Proto.field(1, hexBytes(span.traceHex)) + (span.parentHex.isEmpty ? [] : Proto.field(2, hexBytes(span.parentHex)))
                    + Proto.field(3, hexBytes(span.spanHex)) + Proto.field(5, span.name)
                    + (span.startNanos == 0 ? [] : Proto.fixed64(6, span.startNanos / 1000)) + duration
                    + Proto.field(8, Proto.field(1, span.service)) + tags
                return Proto.field(1, body)
            }
        case .jaegerThrift:
            // A Thrift batch has one process: the first span's service stands for every span's.
            let spanList = spans.map { span -> [UInt8] in
                let trace = hexBytes(span.traceHex)
                let tags = span.attribute.map { Thrift.field(.list, 10, Thrift.list(.struct, [Thrift.field(.binary, 1, Thrift.string($0.key)) + Thrift.field(.i32, 2, Thrift.i32(0)) + Thrift.field(.binary, 3, Thrift.string($0.value)) + [0]])) } ?? []
                return Thrift.field(.i64, 1, Array(trace[8..<16])) + Thrift.field(.i64, 2, Array(trace[0..<8]))
                    + Thrift.field(.i64, 3, hexBytes(span.spanHex)) + Thrift.field(.i64, 4, span.parentHex.isEmpty ? [UInt8](repeating: 0, count: 8) : hexBytes(span.parentHex))
                    + Thrift.field(.binary, 5, Thrift.string(span.name)) + Thrift.field(.i32, 7, Thrift.i32(1))
                    + Thrift.field(.i64, 8, Thrift.i64(Int64(span.startNanos / 1000)))
                    + Thrift.field(.i64, 9, Thrift.i64(Int64(span.endNanos / 1000) - Int64(span.startNanos / 1000))) + tags + [0]
            }
            let process = Thrift.field(.struct, 1, Thrift.field(.binary, 1, Thrift.string(spans.first?.service ?? [])) + [0])
            return process + Thrift.field(.list, 2, Thrift.list(.struct, spanList)) + [0]
        case .jaegerProtobuf:
            let spanList = spans.flatMap { span -> [UInt8] in
                let tags = span.attribute.map { Proto.field(8, Proto.field(1, $0.key) + Proto.field(3, $0.value)) } ?? []
                let parent = span.parentHex.isEmpty ? [] : Proto.field(4, Proto.field(1, hexBytes(span.traceHex)) + Proto.field(2, hexBytes(span.parentHex)))
                let start = Proto.varintField(1, span.startNanos / 1_000_000_000) + Proto.varintField(2, span.startNanos % 1_000_000_000)
                let delta = Int64(bitPattern: span.endNanos &- span.startNanos)
                let duration = Proto.varintField(1, UInt64(bitPattern: delta / 1_000_000_000)) + Proto.varintField(2, UInt64(bitPattern: delta % 1_000_000_000))
                let process = Proto.field(10, Proto.field(1, span.service))
                return Proto.field(1, Proto.field(1, hexBytes(span.traceHex)) + Proto.field(2, hexBytes(span.spanHex)) + Proto.field(3, span.name)
                                   + parent + Proto.field(6, start) + Proto.field(7, duration) + tags + process)
            }
            return Proto.field(1, spanList)
        }
    }

    private func hexBytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = hex.utf8.makeIterator()
        while let hi = chars.next(), let lo = chars.next() {
            out.append(UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16)!)
        }
        return out
    }
}

/// Protobuf fields written by hand, so tests can put bytes a Swift `String` cannot hold.
enum Proto {
    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        return out + [UInt8(v)]
    }

    /// A length-delimited field.
    static func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
    }

    static func fixed64(_ number: UInt64, _ value: UInt64) -> [UInt8] {
        varint(number << 3 | 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func varintField(_ number: UInt64, _ value: UInt64) -> [UInt8] {
        varint(number << 3) + varint(value)
    }
}

/// Thrift binary-protocol values written by hand.
enum Thrift {
    enum FieldType: UInt8 { case i32 = 8, i64 = 10, binary = 11, `struct` = 12, list = 15 }

    static func field(_ type: FieldType, _ id: Int16, _ value: [UInt8]) -> [UInt8] {
        [type.rawValue, UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)] + value
    }

    static func i32(_ v: Int32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * (3 - $0))) } }
    static func i64(_ v: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * (7 - $0))) } }
    static func string(_ bytes: [UInt8]) -> [UInt8] { i32(Int32(bytes.count)) + bytes }
    static func list(_ element: FieldType, _ items: [[UInt8]]) -> [UInt8] { [element.rawValue] + i32(Int32(items.count)) + items.flatMap { $0 } }
}
