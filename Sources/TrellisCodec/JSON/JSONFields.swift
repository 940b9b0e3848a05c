/// Typed access to JSON members with the OTLP/JSON mapping's leniency (absent or null means
/// the default; 64-bit integers as strings or numbers) and errors that name the field.
enum JSONFields {
    static func object(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(CodecError) -> JSONValue? {
        switch value {
        case nil, .null?: return nil
        case .object?: return value
        default: throw .wrongJSONType(field: path(), expected: "an object")
        }
    }

    static func array(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(CodecError) -> [JSONValue] {
        switch value {
        case nil, .null?: return []
        case .array(let elements)?: return elements
        default: throw .wrongJSONType(field: path(), expected: "an array")
        }
    }

    static func string(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(CodecError) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let s)?: return s
        default: throw .wrongJSONType(field: path(), expected: "a string")
        }
    }

    static func bool(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(CodecError) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let b)?: return b
        default: throw .wrongJSONType(field: path(), expected: "a boolean")
        }
    }

    /// The text of a number given as a JSON number or a decimal string.
    private static func numberText(_ value: JSONValue?, _ path: () -> String) throws(CodecError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .number(let text)?: return text
        case .string(let text)?: return text
        default: throw .wrongJSONType(field: path(), expected: "a number or a decimal string")
        }
    }

    static func int64(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(CodecError) -> Int64 {
        guard let text = try numberText(value, path) else { return 0 }
        if let v = Int64(text) { return v }
        if let d = Double(text), d == d.rounded(), d >= -9.223372036854775808e18, d < 9.223372036854775808e18 { return Int64(d) }
        throw .invalidValue(field: path(), reason: "'\(text)' is not a 64-bit integer")
    }

    static func uint64(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(CodecError) -> UInt64 {
        guard let text = try numberText(value, path) else { return 0 }
        if let v = UInt64(text) { return v }
        if let d = Double(text), d == d.rounded(), d >= 0, d < 1.8446744073709552e19 { return UInt64(d) }
        throw .invalidValue(field: path(), reason: "'\(text)' is not an unsigned 64-bit integer")
    }

    static func uint32(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(CodecError) -> UInt32 {
        let v = try uint64(value, path())
        guard v <= UInt64(UInt32.max) else { throw .invalidValue(field: path(), reason: "\(v) does not fit in 32 bits") }
        return UInt32(v)
    }

    static func double(_ value: JSONValue?, _ path: @autoclosure () -> String) throws(CodecError) -> Double {
        switch value {
        case nil, .null?: return 0
        case .number(let text)?:
            guard let d = Double(text) else { throw .invalidValue(field: path(), reason: "'\(text)' is not a number") }
            return d
        case .string(let text)?:
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let d = Double(text) else { throw .invalidValue(field: path(), reason: "'\(text)' is not a number") }
                return d
            }
        default: throw .wrongJSONType(field: path(), expected: "a number")
        }
    }

    /// An enum given as its number or its proto name.
    static func enumValue(_ value: JSONValue?, names: [String: Int32], _ path: @autoclosure () -> String) throws(CodecError) -> Int32 {
        if case .string(let name)? = value, let v = names[name] { return v }
        let v = try int64(value, path())
        guard let small = Int32(exactly: v) else { throw .invalidValue(field: path(), reason: "\(v) is not a valid enum value") }
        return small
    }
}
