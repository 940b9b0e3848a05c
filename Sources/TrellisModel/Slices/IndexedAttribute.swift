/// An attribute value of a kind the archive indexes: strings, integers, doubles and booleans.
public enum IndexedValue: Hashable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)

    /// The value of an attribute, when it is of an indexed kind (a NaN double is not).
    public init?(_ value: AttributeValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .int(let i): self = .int(i)
        case .double(let d) where !d.isNaN: self = .double(d)
        case .bool(let b): self = .bool(b)
        default: return nil
        }
    }

    /// The attribute value it came from.
    public var attributeValue: AttributeValue {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .bool(let b): return .bool(b)
        }
    }

    /// The value as a number, for integers and doubles.
    public var numericValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string, .bool: return nil
        }
    }
}

/// An indexed attribute's key and value, as the archive's attribute rows hold them.
public struct IndexedAttribute: Hashable, Sendable {
    public var key: String
    public var value: IndexedValue

    public init(key: String, value: IndexedValue) {
        self.key = key
        self.value = value
    }
}
