/// A 16-byte trace identifier, held inline as two big-endian halves.
///
/// The all-zero value is the OTLP "invalid" trace ID; `isValid` tells them apart.
public struct TraceID: Hashable, Comparable, Sendable {
    /// The first 8 bytes, big-endian.
    public var high: UInt64
    /// The last 8 bytes, big-endian.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads exactly 16 bytes; returns nil for any other length.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 16 else { return nil }
        high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// Reads exactly 16 bytes; returns nil for any other length.
    public init?(bytes: [UInt8]) {
        guard let id = bytes.withUnsafeBytes({ TraceID(bytes: $0) }) else { return nil }
        self = id
    }

    /// Parses 32 hex digits (either case). Zipkin's 16-digit IDs are accepted and left-padded with zeros.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        switch utf8.count {
        case 32:
            guard let h = HexDigits.parseUInt64(utf8[0..<16]), let l = HexDigits.parseUInt64(utf8[16..<32]) else { return nil }
            self.init(high: h, low: l)
        case 16:
            guard let l = HexDigits.parseUInt64(utf8[0..<16]) else { return nil }
            self.init(high: 0, low: l)
        default:
            return nil
        }
    }

    /// False for the all-zero ID, which OTLP forbids.
    public var isValid: Bool { high != 0 || low != 0 }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return out
    }

    /// 32 lowercase hex digits.
    public var hex: String { HexDigits.format(high) + HexDigits.format(low) }

    public static func < (a: TraceID, b: TraceID) -> Bool {
        (a.high, a.low) < (b.high, b.low)
    }
}

extension TraceID: CustomStringConvertible {
    public var description: String { hex }
}
