/// Appends protobuf wire format to a byte buffer. Nested messages are written in place:
/// `message(_:_:)` reserves room for the length, writes the body, then fixes the length up,
/// so encoding needs one pass and one buffer.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Bytes already in wire format, as they are.
    mutating func raw(_ value: [UInt8]) {
        bytes.append(contentsOf: value)
    }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func tag(_ field: UInt32, _ wireType: UInt8) {
        varint(UInt64(field) << 3 | UInt64(wireType))
    }

    /// A varint field, omitted when zero (proto3 default).
    mutating func uint64(_ field: UInt32, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, 0)
        varint(value)
    }

    mutating func int64(_ field: UInt32, _ value: Int64) {
        uint64(field, UInt64(bitPattern: value))
    }

    mutating func int32(_ field: UInt32, _ value: Int32) {
        uint64(field, UInt64(bitPattern: Int64(value)))
    }

    mutating func bool(_ field: UInt32, _ value: Bool) {
        uint64(field, value ? 1 : 0)
    }

    mutating func fixed64(_ field: UInt32, _ value: UInt64) {
        guard value != 0 else { return }
        tag(field, 1)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func fixed32(_ field: UInt32, _ value: UInt32) {
        guard value != 0 else { return }
        tag(field, 5)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A double field, omitted when +0.0 (proto3 default; -0.0 is written).
    mutating func double(_ field: UInt32, _ value: Double) {
        guard value.bitPattern != 0 else { return }
        tag(field, 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A string field, omitted when empty.
    mutating func string(_ field: UInt32, _ value: String) {
        guard !value.isEmpty else { return }
        tag(field, 2)
        var copy = value
        copy.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A bytes field, omitted when empty.
    mutating func data(_ field: UInt32, _ value: some Collection<UInt8>) {
        guard !value.isEmpty else { return }
        tag(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A bytes field written even when empty (for oneof members, whose presence matters).
    mutating func presentData(_ field: UInt32, _ value: some Collection<UInt8>) {
        tag(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A varint written even when zero (for oneof members).
    mutating func presentVarint(_ field: UInt32, _ value: UInt64) {
        tag(field, 0)
        varint(value)
    }

    /// A fixed64 written even when zero (for oneof members).
    mutating func presentFixed64(_ field: UInt32, _ value: UInt64) {
        tag(field, 1)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A nested message: always written, even when its body is empty. One byte is reserved
    /// for the length (enough below 128 bytes, the common case); longer bodies are shifted
    /// right by the extra length bytes once they are written.
    mutating func message(_ field: UInt32, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, 2)
        let lengthAt = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthAt - 1
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
            return
        }
        var size = 1
        while length >> (7 * size) != 0 { size += 1 }
        bytes.append(contentsOf: repeatElement(0, count: size - 1))
        bytes.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress! + lengthAt
            (base + size).update(from: base + 1, count: length)
            var v = length
            for i in 0..<size {
                base[i] = UInt8(truncatingIfNeeded: v & 0x7F) | (i < size - 1 ? 0x80 : 0)
                v >>= 7
            }
        }
    }
}
