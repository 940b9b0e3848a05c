/// Thrift's binary protocol (`TBinaryProtocol`): big-endian fixed-width integers, strings and
/// containers prefixed with an i32 length or count. Jaeger clients POST a bare `Batch` struct in
/// it to the collector's `/api/traces`.
struct ThriftBinaryReader: ThriftReader {
    private var input: ThriftInput
    var offset: Int { input.offset }
    let maxDepth: Int

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 16) {
        input = ThriftInput(bytes)
        self.maxDepth = maxDepth
    }

    private mutating func bigEndian(_ count: Int, _ what: String) throws(ThriftReadError) -> UInt64 {
        try input.take(count, what).reduce(0) { $0 << 8 | UInt64($1) }
    }

    private func type(_ code: UInt8, at position: Int) throws(ThriftReadError) -> ThriftType {
        guard let type = ThriftType(rawValue: code) else { throw ThriftReadError(offset: position, reason: "unknown type code \(code)") }
        return type
    }

    /// A length or count: non-negative and, as each item takes at least `minimumItemBytes`, no more than the bytes left allow.
    private mutating func size(_ what: String, minimumItemBytes: Int) throws(ThriftReadError) -> Int {
        let at = offset
        let size = Int(Int32(truncatingIfNeeded: try bigEndian(4, what)))
        guard size >= 0 else { throw ThriftReadError(offset: at, reason: "negative \(what) \(size)") }
        guard size * minimumItemBytes <= input.remaining else {
            throw ThriftReadError(offset: at, reason: "\(what) \(size) is more than the \(input.remaining) bytes left can hold")
        }
        return size
    }

    /// The fewest bytes a value of `type` takes in this protocol (a struct: its STOP byte).
    private static func minimumBytes(of type: ThriftType) -> Int {
        switch type {
        case .bool, .byte, .struct: return 1
        case .i16: return 2
        case .i32, .binary: return 4
        case .list, .set: return 5
        case .map: return 6
        case .i64, .double: return 8
        case .uuid: return 16
        }
    }

    mutating func readStructBegin() {}
    mutating func readStructEnd() {}

    mutating func readFieldBegin() throws(ThriftReadError) -> (type: ThriftType, id: Int16)? {
        let at = offset
        let code = try input.take(1, "a field header")[0]
        if code == 0 { return nil }
        let type = try type(code, at: at)
        return (type, Int16(truncatingIfNeeded: try bigEndian(2, "a field header")))
    }

    mutating func readBool() throws(ThriftReadError) -> Bool { try input.take(1, "a bool")[0] != 0 }
    mutating func readByte() throws(ThriftReadError) -> Int8 { Int8(bitPattern: try input.take(1, "a byte")[0]) }
    mutating func readI16() throws(ThriftReadError) -> Int16 { Int16(truncatingIfNeeded: try bigEndian(2, "an i16")) }
    mutating func readI32() throws(ThriftReadError) -> Int32 { Int32(truncatingIfNeeded: try bigEndian(4, "an i32")) }
    mutating func readI64() throws(ThriftReadError) -> Int64 { Int64(bitPattern: try bigEndian(8, "an i64")) }
    mutating func readDouble() throws(ThriftReadError) -> Double { Double(bitPattern: try bigEndian(8, "a double")) }

    mutating func readBinary() throws(ThriftReadError) -> UnsafeRawBufferPointer {
        try input.take(try size("string length", minimumItemBytes: 1), "a string")
    }

    mutating func readListBegin() throws(ThriftReadError) -> (element: ThriftType, count: Int) {
        let at = offset
        let element = try type(try input.take(1, "a list header")[0], at: at)
        return (element, try size("list size", minimumItemBytes: Self.minimumBytes(of: element)))
    }

    mutating func readMapBegin() throws(ThriftReadError) -> (key: ThriftType, value: ThriftType, count: Int) {
        let at = offset
        let header = try input.take(2, "a map header")
        return (try type(header[0], at: at), try type(header[1], at: at + 1), try size("map size", minimumItemBytes: 2))
    }
}
