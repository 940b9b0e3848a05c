import TrellisModel

/// One condition of a trace query on an attribute of a span (or of the span's resource):
/// the attribute `key` compared with `value`. A query's filters must all hold on the same span.
///
/// Equality works on strings, integers, doubles and booleans; integers and doubles compare by
/// numeric value. The ordering comparisons work on integers and doubles only.
public struct AttributeFilter: Hashable, Sendable {
    /// How the attribute is compared with the filter's value.
    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        case equal = "="
        case greaterThan = ">"
        case greaterThanOrEqual = ">="
        case lessThan = "<"
        case lessThanOrEqual = "<="
    }

    /// The value a filter compares against.
    /// A value an attribute is compared with: the indexed kinds of values.
    public typealias Value = IndexedValue

    public var key: String
    public var comparison: Comparison
    public var value: Value

    public init(_ key: String, _ comparison: Comparison = .equal, _ value: Value) {
        self.key = key
        self.comparison = comparison
        self.value = value
    }

    /// `key = value`.
    public static func equals(_ key: String, _ value: Value) -> AttributeFilter {
        AttributeFilter(key, .equal, value)
    }

    /// Throws when the filter cannot be evaluated: an empty key, an ordering comparison on a
    /// string or boolean, or a NaN.
    public func validate() throws(StorageError) {
        if key.isEmpty { throw .invalidAttributeFilter(key: key, reason: "the key is empty") }
        if case .double(let d) = value, d.isNaN { throw .invalidAttributeFilter(key: key, reason: "the value is NaN") }
        if comparison != .equal, value.numericValue == nil {
            throw .invalidAttributeFilter(key: key, reason: "'\(comparison.rawValue)' needs an integer or double value")
        }
    }

    /// True when an attribute value satisfies the filter.
    public func matches(_ attribute: AttributeValue) -> Bool {
        switch (comparison, value, attribute) {
        case (.equal, .string(let want), .string(let have)):
            return want == have
        case (.equal, .bool(let want), .bool(let have)):
            return want == have
        case (.equal, .int(let want), .int(let have)):
            return want == have
        default:
            guard let want = value.numericValue, let have = attribute.numericValue else { return false }
            switch comparison {
            case .equal: return have == want
            case .greaterThan: return have > want
            case .greaterThanOrEqual: return have >= want
            case .lessThan: return have < want
            case .lessThanOrEqual: return have <= want
            }
        }
    }
}
