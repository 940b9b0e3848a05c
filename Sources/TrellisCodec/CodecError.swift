/// Why a request body could not be decoded. Every case names where the problem is
/// (a field path such as `resourceSpans[0].scopeSpans[1].spans[3].name`, or a byte offset)
/// and what was wrong, so the message can go back to the sender as it is.
public enum CodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The input ended inside a field (protobuf).
    case truncated(field: String, offset: Int)
    /// A varint ran past 10 bytes (protobuf).
    case malformedVarint(field: String, offset: Int)
    /// A field arrived with a wire type its schema does not allow (protobuf).
    case wrongWireType(field: String, wireType: UInt8, offset: Int)
    /// A wire type that protobuf does not define, or a field number of zero (protobuf).
    case invalidTag(offset: Int, tag: UInt64)
    /// A length-delimited field claims more bytes than remain.
    case lengthPastEnd(field: String, length: UInt64, remaining: Int, offset: Int)
    /// Values are nested deeper than the limit allows.
    case nestingTooDeep(field: String, limit: Int)
    /// The JSON text is not well-formed.
    case invalidJSON(offset: Int, reason: String)
    /// A JSON member has the wrong type.
    case wrongJSONType(field: String, expected: String)
    /// A JSON member holds a value that cannot be used (an unparsable number, an unknown enum name).
    case invalidValue(field: String, reason: String)
    /// The decompressed body would exceed the limit (a compression bomb, or just too big).
    case decompressedTooLarge(limit: Int)
    /// The compressed body is not valid gzip/deflate data.
    case badCompression(reason: String)
    /// The decoded message needs more memory than the decoder allows for one request.
    case decodeMemoryExceeded(limit: Int)
    /// libprotobuf-c refused a message (named) that passed the structural checks.
    case unpackFailed(message: String)
    /// A Thrift body breaks the protocol or the Jaeger IDL: the field path, the byte offset, why.
    case invalidThrift(field: String, offset: Int, reason: String)

    public var description: String {
        switch self {
        case .truncated(let field, let offset):
            return "truncated input in \(field) at byte \(offset)"
        case .malformedVarint(let field, let offset):
            return "malformed varint in \(field) at byte \(offset): longer than 10 bytes"
        case .wrongWireType(let field, let wireType, let offset):
            return "wrong wire type \(wireType) for \(field) at byte \(offset)"
        case .invalidTag(let offset, let tag):
            return "invalid field tag \(tag) at byte \(offset)"
        case .lengthPastEnd(let field, let length, let remaining, let offset):
            return "length \(length) of \(field) at byte \(offset) runs past the end of its message (\(remaining) bytes left)"
        case .nestingTooDeep(let field, let limit):
            return "\(field) is nested deeper than \(limit) levels"
        case .invalidJSON(let offset, let reason):
            return "invalid JSON at byte \(offset): \(reason)"
        case .wrongJSONType(let field, let expected):
            return "\(field) must be \(expected)"
        case .invalidValue(let field, let reason):
            return "\(field): \(reason)"
        case .decompressedTooLarge(let limit):
            return "decompressed body exceeds the limit of \(limit) bytes"
        case .badCompression(let reason):
            return "body does not inflate: \(reason)"
        case .decodeMemoryExceeded(let limit):
            return "decoded message needs more than \(limit) bytes of memory"
        case .unpackFailed(let message):
            return "message could not be decoded as \(message)"
        case .invalidThrift(let field, let offset, let reason):
            return "invalid Thrift in \(field) at byte \(offset): \(reason)"
        }
    }
}
