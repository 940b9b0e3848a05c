/// Thrift's value types, numbered as the binary protocol numbers them (Apache Thrift's
/// `TType`); the compact protocol's own codes map onto these.
enum ThriftType: UInt8, Sendable, CustomStringConvertible {
    case bool = 2, byte = 3, double = 4, i16 = 6, i32 = 8, i64 = 10, binary = 11
    case `struct` = 12, map = 13, set = 14, list = 15, uuid = 16

    var description: String {
        switch self {
        case .bool: return "bool"
        case .byte: return "byte"
        case .double: return "double"
        case .i16: return "i16"
        case .i32: return "i32"
        case .i64: return "i64"
        case .binary: return "string"
        case .struct: return "struct"
        case .map: return "map"
        case .set: return "set"
        case .list: return "list"
        case .uuid: return "uuid"
        }
    }
}

/// A protocol violation found by a `ThriftReader`: the byte offset and what was wrong. The
/// decoder that drives the reader adds the field path (`CodecError.invalidThrift`).
struct ThriftReadError: Error {
    var offset: Int
    var reason: String
}
