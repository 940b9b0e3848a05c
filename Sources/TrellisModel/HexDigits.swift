/// Hex conversion for identifiers: fixed-width, lowercase out, either case in.
enum HexDigits {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func parseUInt64(_ utf8: ArraySlice<UInt8>) -> UInt64? {
        guard utf8.count == 16 else { return nil }
        var value: UInt64 = 0
        for c in utf8 {
            let nibble: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = c &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = c &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = c &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    static func format(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for i in 0..<16 {
                buffer[i] = digits[Int((value >> UInt64(60 - 4 * i)) & 0xF)]
            }
            return 16
        }
    }
}
