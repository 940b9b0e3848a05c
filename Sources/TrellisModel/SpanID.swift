/// An 8-byte span identifier, held inline. Zero means "no span" (for example, no parent).
public struct SpanID: Hashable, Comparable, Sendable {
    /// The 8 bytes as a big-endian integer.
    public var value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Reads exactly 8 bytes; returns nil for any other length.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 8 else { return nil }
        value = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    }

    /// Reads exactly 8 bytes; returns nil for any other length.
    public init?(bytes: [UInt8]) {
        guard let id = bytes.withUnsafeBytes({ SpanID(bytes: $0) }) else { return nil }
        self = id
    }

    /// Parses 16 hex digits (either case).
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 16, let v = HexDigits.parseUInt64(utf8[...]) else { return nil }
        value = v
    }

    /// The absent span ID (all zeros).
    public static let none = SpanID(0)

    /// False for the all-zero ID.
    public var isValid: Bool { value != 0 }

    /// The 8 bytes, big-endian.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// 16 lowercase hex digits.
    public var hex: String { HexDigits.format(value) }

    public static func < (a: SpanID, b: SpanID) -> Bool { a.value < b.value }
}

extension SpanID: CustomStringConvertible {
    public var description: String { hex }
}
