/// Reads one Thrift protocol's encoding of values, strictly and within the bytes given: every
/// length and count is checked against what remains before anything is allocated, so no input
/// can make a reader allocate more than its input's size or run past its end.
///
/// Struct fields are read with `readFieldBegin()` until it returns nil (the STOP field), between
/// `readStructBegin()` and `readStructEnd()`. `skip` steps over a value of any type, nesting at
/// most `maxDepth` containers deep.
protocol ThriftReader {
    /// Where the next read starts.
    var offset: Int { get }
    /// How deep `skip` may nest containers.
    var maxDepth: Int { get }

    mutating func readStructBegin()
    mutating func readStructEnd()
    /// The next field's type and ID; nil at the end of the struct.
    mutating func readFieldBegin() throws(ThriftReadError) -> (type: ThriftType, id: Int16)?
    mutating func readBool() throws(ThriftReadError) -> Bool
    mutating func readByte() throws(ThriftReadError) -> Int8
    mutating func readI16() throws(ThriftReadError) -> Int16
    mutating func readI32() throws(ThriftReadError) -> Int32
    mutating func readI64() throws(ThriftReadError) -> Int64
    mutating func readDouble() throws(ThriftReadError) -> Double
    /// A string or binary value's bytes, valid while the input is.
    mutating func readBinary() throws(ThriftReadError) -> UnsafeRawBufferPointer
    /// A list's (or set's) element type and count.
    mutating func readListBegin() throws(ThriftReadError) -> (element: ThriftType, count: Int)
    /// A map's key and value types and entry count.
    mutating func readMapBegin() throws(ThriftReadError) -> (key: ThriftType, value: ThriftType, count: Int)
}

extension ThriftReader {
    /// Steps over one value of `type`.
    mutating func skip(_ type: ThriftType) throws(ThriftReadError) {
        try skip(type, depth: 0)
    }

    private mutating func skip(_ type: ThriftType, depth: Int) throws(ThriftReadError) {
        switch type {
        case .bool: _ = try readBool()
        case .byte: _ = try readByte()
        case .i16: _ = try readI16()
        case .i32: _ = try readI32()
        case .i64: _ = try readI64()
        case .double: _ = try readDouble()
        case .binary: _ = try readBinary()
        case .uuid:
            for _ in 0..<2 { _ = try readI64() }
        case .struct, .list, .set, .map:
            guard depth < maxDepth else { throw ThriftReadError(offset: offset, reason: "values nest deeper than \(maxDepth) levels") }
            switch type {
            case .struct:
                readStructBegin()
                while let field = try readFieldBegin() { try skip(field.type, depth: depth + 1) }
                readStructEnd()
            case .map:
                let header = try readMapBegin()
                for _ in 0..<header.count {
                    try skip(header.key, depth: depth + 1)
                    try skip(header.value, depth: depth + 1)
                }
            default:
                let header = try readListBegin()
                for _ in 0..<header.count { try skip(header.element, depth: depth + 1) }
            }
        }
    }
}
