/// Thrift's compact protocol (`TCompactProtocol`): zigzag varints, field IDs as deltas from the
/// previous field of the same struct, booleans folded into field headers, little-endian doubles.
/// Jaeger clients send agent `emitBatch` messages in it over UDP (port 6831).
struct ThriftCompactReader: ThriftReader {
    private var input: ThriftInput
    var offset: Int { input.offset }
    let maxDepth: Int
    /// The last field ID of each open struct, innermost last.
    private var lastFieldIDs: [Int16] = [0]
    /// A bool field's value, carried by its header.
    private var pendingBool: Bool?

    /// The message types a compact message header can carry.
    enum MessageType: UInt8 { case call = 1, reply = 2, exception = 3, oneway = 4 }

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 16) {
        input = ThriftInput(bytes)
        self.maxDepth = maxDepth
    }

    /// Reads a message header: protocol ID 0x82, version 1, the message type, sequence ID, name.
    mutating func readMessageBegin() throws(ThriftReadError) -> (name: String, type: MessageType) {
        let at = offset
        let header = try input.take(2, "a message header")
        guard header[0] == 0x82 else { throw ThriftReadError(offset: at, reason: "not a compact-protocol message (protocol ID 0x\(String(header[0], radix: 16)), expected 0x82)") }
        guard header[1] & 0x1F == 1 else { throw ThriftReadError(offset: at + 1, reason: "compact protocol version \(header[1] & 0x1F), expected 1") }
        guard let type = MessageType(rawValue: header[1] >> 5) else { throw ThriftReadError(offset: at + 1, reason: "unknown message type \(header[1] >> 5)") }
        _ = try varint("a sequence ID")
        let name = try readBinary()
        return (String(decoding: name, as: UTF8.self), type)
    }

    private mutating func varint(_ what: String) throws(ThriftReadError) -> UInt64 {
        let at = offset
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard let byte = input.next() else { throw ThriftReadError(offset: offset, reason: "input ends inside \(what)") }
            result |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return result }
        }
        throw ThriftReadError(offset: at, reason: "\(what) is a varint longer than 10 bytes")
    }

    private mutating func zigzag(_ what: String) throws(ThriftReadError) -> Int64 {
        let raw = try varint(what)
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// A compact type code as a `ThriftType` (both boolean codes are `.bool`).
    private func type(_ code: UInt8, at position: Int) throws(ThriftReadError) -> ThriftType {
        switch code {
        case 1, 2: return .bool
        case 3: return .byte
        case 4: return .i16
        case 5: return .i32
        case 6: return .i64
        case 7: return .double
        case 8: return .binary
        case 9: return .list
        case 10: return .set
        case 11: return .map
        case 12: return .struct
        case 13: return .uuid
        default: throw ThriftReadError(offset: position, reason: "unknown compact type code \(code)")
        }
    }

    private mutating func size(_ what: String, _ size: UInt64, at position: Int, minimumItemBytes: Int) throws(ThriftReadError) -> Int {
        guard size <= UInt64(Int32.max), Int(size) * minimumItemBytes <= input.remaining else {
            throw ThriftReadError(offset: position, reason: "\(what) \(size) is more than the \(input.remaining) bytes left can hold")
        }
        return Int(size)
    }

    mutating func readStructBegin() { lastFieldIDs.append(0) }
    mutating func readStructEnd() { lastFieldIDs.removeLast() }

    mutating func readFieldBegin() throws(ThriftReadError) -> (type: ThriftType, id: Int16)? {
        let at = offset
        let header = try input.take(1, "a field header")[0]
        if header == 0 { return nil }
        let code = header & 0x0F
        let type = try type(code, at: at)
        let id: Int16
        if header >> 4 == 0 {
            let raw = try zigzag("a field ID")
            guard let value = Int16(exactly: raw) else { throw ThriftReadError(offset: at, reason: "field ID \(raw) is out of range") }
            id = value
        } else {
            let (sum, overflow) = lastFieldIDs[lastFieldIDs.count - 1].addingReportingOverflow(Int16(header >> 4))
            guard !overflow else { throw ThriftReadError(offset: at, reason: "field ID overflows") }
            id = sum
        }
        lastFieldIDs[lastFieldIDs.count - 1] = id
        if type == .bool { pendingBool = code == 1 }
        return (type, id)
    }

    mutating func readBool() throws(ThriftReadError) -> Bool {
        if let value = pendingBool {
            pendingBool = nil
            return value
        }
        return try input.take(1, "a bool")[0] == 1
    }

    mutating func readByte() throws(ThriftReadError) -> Int8 { Int8(bitPattern: try input.take(1, "a byte")[0]) }

    mutating func readI16() throws(ThriftReadError) -> Int16 {
        let at = offset
        guard let value = Int16(exactly: try zigzag("an i16")) else { throw ThriftReadError(offset: at, reason: "i16 out of range") }
        return value
    }

    mutating func readI32() throws(ThriftReadError) -> Int32 {
        let at = offset
        guard let value = Int32(exactly: try zigzag("an i32")) else { throw ThriftReadError(offset: at, reason: "i32 out of range") }
        return value
    }

    mutating func readI64() throws(ThriftReadError) -> Int64 { try zigzag("an i64") }

    mutating func readDouble() throws(ThriftReadError) -> Double {
        Double(bitPattern: try input.take(8, "a double").reversed().reduce(0) { $0 << 8 | UInt64($1) })
    }

    mutating func readBinary() throws(ThriftReadError) -> UnsafeRawBufferPointer {
        let at = offset
        return try input.take(try size("string length", try varint("a string length"), at: at, minimumItemBytes: 1), "a string")
    }

    mutating func readListBegin() throws(ThriftReadError) -> (element: ThriftType, count: Int) {
        let at = offset
        let header = try input.take(1, "a list header")[0]
        let element = try type(header & 0x0F, at: at)
        let count = header >> 4 == 15 ? try varint("a list size") : UInt64(header >> 4)
        return (element, try size("list size", count, at: at, minimumItemBytes: 1))
    }

    mutating func readMapBegin() throws(ThriftReadError) -> (key: ThriftType, value: ThriftType, count: Int) {
        let at = offset
        let count = try varint("a map size")
        guard count > 0 else { return (.binary, .binary, 0) }
        let types = try input.take(1, "a map header")[0]
        return (try type(types >> 4, at: at), try type(types & 0x0F, at: at), try size("map size", count, at: at, minimumItemBytes: 2))
    }
}
