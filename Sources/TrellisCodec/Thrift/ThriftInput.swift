/// The bytes a `ThriftReader` reads and its position in them; every read is checked against what
/// is left, so no length in the input can take a reader past its end.
struct ThriftInput {
    private let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The bytes not read yet.
    var remaining: Int { bytes.count - offset }

    /// The next `count` bytes (`what` names them in the error when fewer are left).
    mutating func take(_ count: Int, _ what: String) throws(ThriftReadError) -> UnsafeRawBufferPointer {
        guard count <= remaining else {
            throw ThriftReadError(offset: offset, reason: "input ends inside \(what) (\(count) bytes needed, \(remaining) left)")
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    /// The next byte; nil at the end.
    mutating func next() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }
}
