/// One key/value attribute of a resource, scope, span, event or link.
public struct Attribute: Hashable, Sendable {
    public var key: String
    public var value: AttributeValue

    public init(_ key: String, _ value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == Attribute {
    /// The value of the first attribute with this key.
    public subscript(key key: String) -> AttributeValue? {
        first(where: { $0.key == key })?.value
    }
}
