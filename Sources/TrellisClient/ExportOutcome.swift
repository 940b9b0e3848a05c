/// How one OTLP export request ended.
public enum ExportOutcome: Sendable {
    /// Accepted; `rejectedSpans` (and the server's `message`) came back as partial success.
    case accepted(rejectedSpans: Int, message: String)
    /// Refused retryably (the gRPC statuses OTLP lets a client retry, HTTP 429/502/503/504).
    case refused(retryAfterSeconds: Int?)
    /// Failed for good, with what the server or the connection said.
    case failed(String)

    /// An accepted answer whose body is an `ExportTraceServiceResponse` in protobuf:
    /// field 1 `partial_success` { field 1 `rejected_spans` int64, field 2 `error_message` string }.
    public static func accepted(protobufResponse body: [UInt8]) -> ExportOutcome {
        var reader = ProtobufFieldReader(body[...])
        var rejected = 0
        var message = ""
        while let field = reader.next() {
            guard field.number == 1, case .bytes(let partial) = field.value else { continue }
            var inner = ProtobufFieldReader(partial)
            while let f = inner.next() {
                switch (f.number, f.value) {
                case (1, .varint(let v)): rejected = Int(truncatingIfNeeded: v)
                case (2, .bytes(let text)): message = String(decoding: text, as: UTF8.self)
                default: break
                }
            }
        }
        return .accepted(rejectedSpans: max(0, rejected), message: message)
    }
}

/// Walks the top-level fields of a protobuf message; stops at the end or at malformed input.
struct ProtobufFieldReader {
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case other
    }

    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        rest = bytes
    }

    mutating func next() -> (number: UInt64, value: Value)? {
        guard let tag = varint() else { return nil }
        switch tag & 7 {
        case 0:
            guard let v = varint() else { return nil }
            return (tag >> 3, .varint(v))
        case 1, 5:
            let width = tag & 7 == 1 ? 8 : 4
            guard rest.count >= width else { return nil }
            rest = rest.dropFirst(width)
            return (tag >> 3, .other)
        case 2:
            guard let length = varint(), length <= UInt64(rest.count) else { return nil }
            let value = rest.prefix(Int(length))
            rest = rest.dropFirst(Int(length))
            return (tag >> 3, .bytes(value))
        default:
            return nil
        }
    }

    private mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = rest.first, shift < 64 {
            rest = rest.dropFirst()
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
