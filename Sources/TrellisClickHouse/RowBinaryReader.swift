import TrellisModel
import TrellisStorage

/// Decodes rows of ClickHouse's `RowBinary` output (the encoding `RowBinaryWriter` describes).
/// Every read checks the bytes left and throws `StorageError.undecodableBlock` naming what was
/// cut short, so a truncated answer is an error, never a crash.
struct RowBinaryReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// True when every byte has been read.
    var isAtEnd: Bool { offset == bytes.count }

    mutating func uint8() throws(StorageError) -> UInt8 { UInt8(try littleEndian(1, "UInt8")) }

    mutating func uint16() throws(StorageError) -> UInt16 { UInt16(try littleEndian(2, "UInt16")) }

    mutating func uint32() throws(StorageError) -> UInt32 { UInt32(try littleEndian(4, "UInt32")) }

    mutating func uint64() throws(StorageError) -> UInt64 { try littleEndian(8, "UInt64") }

    mutating func bytesString() throws(StorageError) -> ArraySlice<UInt8> {
        let count = try leb128()
        guard count <= UInt64(bytes.count - offset) else { throw .undecodableBlock(detail: "ClickHouse answer cut short in a String of \(count) bytes") }
        defer { offset += Int(count) }
        return bytes[offset..<(offset + Int(count))]
    }

    mutating func string() throws(StorageError) -> String { String(decoding: try bytesString(), as: UTF8.self) }

    /// A `FixedString(16)` trace ID, big-endian.
    mutating func traceID() throws(StorageError) -> TraceID {
        guard bytes.count - offset >= 16, let id = TraceID(bytes: Array(bytes[offset..<(offset + 16)])) else {
            throw .undecodableBlock(detail: "ClickHouse answer cut short in a trace ID")
        }
        offset += 16
        return id
    }

    /// An `Array(T)`, each element read by `element`.
    mutating func array<T>(_ element: (inout RowBinaryReader) throws(StorageError) -> T) throws(StorageError) -> [T] {
        let count = try leb128()
        guard count <= UInt64(bytes.count - offset) else { throw .undecodableBlock(detail: "ClickHouse answer cut short in an Array of \(count) elements") }
        var out: [T] = []
        out.reserveCapacity(Int(count))
        for _ in 0..<count { out.append(try element(&self)) }
        return out
    }

    private mutating func littleEndian(_ count: Int, _ type: String) throws(StorageError) -> UInt64 {
        guard bytes.count - offset >= count else { throw .undecodableBlock(detail: "ClickHouse answer cut short in a \(type)") }
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += count
        return value
    }

    private mutating func leb128() throws(StorageError) -> UInt64 {
        guard let value = LEB128.read(bytes, &offset) else { throw .undecodableBlock(detail: "ClickHouse answer cut short in a length") }
        return value
    }
}
