/// A parsed JSON document.
///
/// Numbers keep their source text, so 64-bit integers stay exact (a `Double` would round
/// anything past 2^53); `int64Value`, `uint64Value` and `doubleValue` convert on demand.
/// Objects keep their members in source order, duplicates included; `self[key]` finds the first.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number exactly as written (it matched RFC 8259's number grammar when parsed).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The first member named `key` of an object; nil for a missing member or a non-object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    /// The value's JSON type, for error messages ("a string", "an array").
    var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The number as an `Int64` when it is integral and in range (`12`, `1.2e1`, `-3.0`); nil otherwise.
    var int64Value: Int64? {
        guard case .number(let text) = self else { return nil }
        return JSONNumberText.int64(text)
    }

    /// The number as a `UInt64` when it is integral and in range; nil otherwise.
    var uint64Value: UInt64? {
        guard case .number(let text) = self else { return nil }
        return JSONNumberText.uint64(text)
    }

    /// The number as the nearest `Double` (±infinity when it overflows); nil for a non-number.
    var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }
}

extension JSONValue: Equatable {
    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

/// Exact integer conversion of decimal number text (`-?digits(.digits)?([eE][+-]?digits)?`),
/// without going through `Double`, so `9007199254740993` and `1.5e3` come out exact.
enum JSONNumberText {
    /// The magnitude and sign of integral number text, or nil when the text is malformed,
    /// has a non-zero fractional part, or does not fit in 64 bits.
    static func integer(_ text: String) -> (negative: Bool, magnitude: UInt64)? {
        var bytes = Substring(text).utf8
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var sawDigit = false
        var fractionDigits = 0
        var sawPoint = false
        var exponent = 0
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let c = bytes[index]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                sawDigit = true
                // Leading zeros carry no value; skipping them keeps `digits` short.
                if !(digits.isEmpty && c == UInt8(ascii: "0")) || sawPoint { digits.append(c &- UInt8(ascii: "0")) }
                if sawPoint { fractionDigits += 1 }
            } else if c == UInt8(ascii: "."), !sawPoint, sawDigit {
                sawPoint = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                guard sawDigit, let e = parseExponent(bytes[bytes.index(after: index)...]) else { return nil }
                exponent = e
                break
            } else {
                return nil
            }
            index = bytes.index(after: index)
        }
        guard sawDigit, !sawPoint || fractionDigits > 0 else { return nil }
        // value = digits × 10^(exponent − fractionDigits)
        let shift = exponent - fractionDigits
        var significant = digits
        if shift < 0 {
            // The last -shift digits are the fractional part: they must all be zero.
            let dropCount = min(-shift, significant.count)
            guard significant.suffix(dropCount).allSatisfy({ $0 == 0 }) else { return nil }
            significant.removeLast(dropCount)
        }
        var magnitude: UInt64 = 0
        for digit in significant {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            magnitude = sum
        }
        if shift > 0, magnitude != 0 {
            for _ in 0..<shift {
                let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                magnitude = times10
            }
        }
        return (negative, magnitude)
    }

    /// `[+-]?digits` as an Int, capped well away from overflow (huge exponents just fail later).
    private static func parseExponent(_ bytes: Substring.UTF8View) -> Int? {
        var rest = bytes
        var negative = false
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        var value = 0
        for c in rest {
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
            value = min(value * 10 + Int(c &- UInt8(ascii: "0")), 100_000)
        }
        return negative ? -value : value
    }

    static func int64(_ text: String) -> Int64? {
        guard let (negative, magnitude) = integer(text) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return Int64(exactly: magnitude)
    }

    static func uint64(_ text: String) -> UInt64? {
        guard let (negative, magnitude) = integer(text) else { return nil }
        if negative && magnitude != 0 { return nil }
        return magnitude
    }
}

/// Typed reads of JSON members for the decoders, with the proto3 JSON mapping's leniency:
/// `null` means the default, 64-bit and 32-bit integers come as numbers or decimal strings,
/// doubles also as `"NaN"`/`"Infinity"`/`"-Infinity"`. Errors name the member's full path.
enum JSONRead {
    static func object(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> [(key: String, value: JSONValue)] {
        switch value {
        case .null: return []
        case .object(let members): return members
        default: throw .wrongJSONType(field: path(), expected: "an object")
        }
    }

    static func array(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> [JSONValue] {
        switch value {
        case .null: return []
        case .array(let elements): return elements
        default: throw .wrongJSONType(field: path(), expected: "an array")
        }
    }

    static func string(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> String {
        switch value {
        case .null: return ""
        case .string(let s): return s
        default: throw .wrongJSONType(field: path(), expected: "a string")
        }
    }

    static func bool(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> Bool {
        switch value {
        case .null: return false
        case .bool(let b): return b
        default: throw .wrongJSONType(field: path(), expected: "a boolean")
        }
    }

    /// The text of an integer written as a JSON number or as a decimal string; nil for null.
    private static func integerText(_ value: JSONValue, _ path: () -> String) throws(CodecError) -> String? {
        switch value {
        case .null: return nil
        case .number(let text), .string(let text): return text
        default: throw .wrongJSONType(field: path(), expected: "an integer (a number or a decimal string)")
        }
    }

    static func int64(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> Int64 {
        guard let text = try integerText(value, path) else { return 0 }
        guard let v = JSONNumberText.int64(text) else {
            throw .invalidValue(field: path(), reason: "\(quoted(text)) is not a signed 64-bit integer")
        }
        return v
    }

    static func uint64(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> UInt64 {
        guard let text = try integerText(value, path) else { return 0 }
        guard let v = JSONNumberText.uint64(text) else {
            throw .invalidValue(field: path(), reason: "\(quoted(text)) is not an unsigned 64-bit integer")
        }
        return v
    }

    static func uint32(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> UInt32 {
        guard let text = try integerText(value, path) else { return 0 }
        guard let v = JSONNumberText.uint64(text), let small = UInt32(exactly: v) else {
            throw .invalidValue(field: path(), reason: "\(quoted(text)) is not an unsigned 32-bit integer")
        }
        return small
    }

    static func int32(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> Int32 {
        guard let text = try integerText(value, path) else { return 0 }
        guard let v = JSONNumberText.int64(text), let small = Int32(exactly: v) else {
            throw .invalidValue(field: path(), reason: "\(quoted(text)) is not a 32-bit integer")
        }
        return small
    }

    static func double(_ value: JSONValue, _ path: @autoclosure () -> String) throws(CodecError) -> Double {
        let text: String
        switch value {
        case .null: return 0
        case .number(let t): text = t
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string(let t): text = t
        default: throw .wrongJSONType(field: path(), expected: "a number")
        }
        // Double(String) also takes "inf", "nan" and hex floats; only decimal JSON-style text is a number here.
        guard text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 | 0x20 == 0x65 }),
              let d = Double(text) else {
            throw .invalidValue(field: path(), reason: "\(quoted(text)) is not a number")
        }
        guard d.isFinite else { throw .invalidValue(field: path(), reason: "\(quoted(text)) is out of range for a double") }
        return d
    }

    /// An enum written as its number or as its proto name (`"SPAN_KIND_SERVER"`).
    static func enumValue(_ value: JSONValue, names: [String: Int32], _ path: @autoclosure () -> String) throws(CodecError) -> Int32 {
        if case .string(let name) = value, let number = names[name] { return number }
        if case .string(let name) = value, JSONNumberText.int64(name) == nil {
            throw .invalidValue(field: path(), reason: "unknown enum value \(quoted(name))")
        }
        return try int32(value, path())
    }

    /// Text for an error message, quoted and cut short.
    static func quoted(_ text: String) -> String {
        let limit = 40
        return text.count <= limit ? "'\(text)'" : "'\(text.prefix(limit))…'"
    }
}
