/// Appends compact JSON text to a byte buffer.
///
/// Callers write structure with `beginObject`/`key`/.../`endObject`; the writer puts the commas
/// in. Strings are escaped per RFC 8259 (`"`, `\`, and every control character; `\n`, `\r`,
/// `\t` in short form, the rest as `\u00XX`). Finite doubles are written in Swift's shortest
/// round-trip form; NaN and ±infinity, which JSON cannot express, as the proto3 JSON strings
/// `"NaN"`, `"Infinity"` and `"-Infinity"`.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// One flag per open container (plus the top level): whether the next item needs a comma.
    private var needsComma: [Bool] = [false]

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() { beginItem(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    public mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { beginItem(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    public mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes `"name":`; the value written next follows it without a comma.
    public mutating func key(_ name: String) {
        beginItem()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    public mutating func string(_ value: String) { beginItem(); appendQuoted(value) }
    public mutating func bool(_ value: Bool) { appendRaw(value ? "true" : "false") }
    public mutating func null() { appendRaw("null") }
    public mutating func int(_ value: Int64) { appendRaw(String(value)) }
    public mutating func uint(_ value: UInt64) { appendRaw(String(value)) }

    /// Writes an already encoded JSON value (the output of another encoder) as the next item.
    public mutating func encodedValue(_ json: [UInt8]) {
        beginItem()
        bytes.append(contentsOf: json)
    }

    public mutating func double(_ value: Double) {
        if value.isNaN {
            string("NaN")
        } else if value.isInfinite {
            string(value < 0 ? "-Infinity" : "Infinity")
        } else {
            appendRaw(value.description)
        }
    }

    /// `"name":"value"`, skipped when the value is empty (proto3 JSON omits defaults).
    public mutating func stringMember(_ name: String, _ value: String) {
        guard !value.isEmpty else { return }
        key(name)
        string(value)
    }

    /// `"name":N`, skipped when zero.
    public mutating func intMember(_ name: String, _ value: Int64) {
        guard value != 0 else { return }
        key(name)
        int(value)
    }

    /// `"name":"N"` (a 64-bit integer as a decimal string, as proto3 JSON writes them), skipped when zero.
    public mutating func int64StringMember(_ name: String, _ value: UInt64) {
        guard value != 0 else { return }
        key(name)
        string(String(value))
    }

    // MARK: Internals

    private mutating func beginItem() {
        let last = needsComma.count - 1
        if needsComma[last] { bytes.append(UInt8(ascii: ",")) }
        needsComma[last] = true
    }

    private mutating func appendRaw(_ text: String) {
        beginItem()
        bytes.append(contentsOf: text.utf8)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = value
        let plain = text.withUTF8 { utf8 in
            // Most strings need no escaping: copied in one go.
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !plain { appendEscaped(text) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ value: String) {
        for c in value.utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes.append(0x5C); bytes.append(c)
            case UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(c)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hexDigits[Int(c >> 4)], Self.hexDigits[Int(c & 0xF)]])
            default: bytes.append(c)
            }
        }
    }
}
